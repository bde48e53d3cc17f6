export { actionWorkflow } from './action';
export { bulkActionWorkflow } from './bulkAction';
export { planBulkWorkflow } from './planBulk';
