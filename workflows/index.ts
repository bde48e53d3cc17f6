export { actionWorkflow } from './action';
