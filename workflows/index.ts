export { actionWorkflow } from './action';
export { bulkActionWorkflow } from './bulkAction';
export { overrideWorkflow } from './override';
export { planBulkWorkflow } from './planBulk';
export { scheduledRunWorkflow } from './scheduledRun';
