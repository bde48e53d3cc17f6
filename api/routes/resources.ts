import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import {
  deleteResource,
  findResourceByRef,
  getResource,
  groupsOfResource,
  insertResource,
  listResources,
  updateResource,
} from '../../db/resources';
import { AppError } from '../../domain/errors';
import { CreateResourceRequest, Resource, ResourceListQuery, UpdateResourceRequest } from '../../domain/inventory';
import { assertAccountAllowed } from '../accounts';
import type { AuthEnv } from '../auth';
import type { AppDeps } from '../deps';
import { bearerAuth, data, errors, Id, jsonBody, page } from '../openapi';
import { validationHook } from '../validation';

const params = z.object({ resourceID: Id });

const create = createRoute({
  method: 'post',
  path: '/resources',
  summary: 'Register a resource of your organisation',
  security: bearerAuth,
  request: { body: jsonBody(CreateResourceRequest) },
  responses: { 201: data(Resource, 'Registered'), 400: errors[400], 401: errors[401], 409: errors[409] },
});

const list = createRoute({
  method: 'get',
  path: '/resources',
  summary: 'Your resources, filtered and paged',
  security: bearerAuth,
  request: { query: ResourceListQuery },
  responses: { 200: data(page(Resource), 'One page'), 400: errors[400], 401: errors[401] },
});

const get = createRoute({
  method: 'get',
  path: '/resources/{resourceID}',
  summary: 'One resource',
  security: bearerAuth,
  request: { params },
  responses: { 200: data(Resource, 'The resource'), 401: errors[401], 404: errors[404] },
});

const update = createRoute({
  method: 'patch',
  path: '/resources/{resourceID}',
  summary: 'Rename or retag a resource',
  security: bearerAuth,
  request: { params, body: jsonBody(UpdateResourceRequest) },
  responses: { 200: data(Resource, 'Updated'), 400: errors[400], 401: errors[401], 404: errors[404] },
});

const remove = createRoute({
  method: 'delete',
  path: '/resources/{resourceID}',
  summary: 'Forget a resource (not while a group has it)',
  security: bearerAuth,
  request: { params },
  responses: { 204: { description: 'Deleted' }, 401: errors[401], 404: errors[404], 409: errors[409] },
});

export function resourceRoutes({ sql, accounts }: AppDeps) {
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });

  app.openapi(create, async (c) => {
    const body = c.req.valid('json');
    const caller = c.get('caller');
    assertAccountAllowed(accounts, caller, body);
    const resource = await insertResource(sql, caller.orgId, body);
    if (!resource) {
      const existing = await findResourceByRef(sql, caller.orgId, body);
      throw new AppError('conflict', `This resource is already registered as ${existing}`, [
        { path: 'body.resourceUID', message: `already registered as ${existing}` },
      ]);
    }
    return c.json({ data: resource }, 201);
  });

  app.openapi(list, async (c) => {
    const query = c.req.valid('query');
    const { items, total } = await listResources(sql, c.get('caller').orgId, query);
    return c.json({ data: { items, total, page: query.page, limit: query.limit } }, 200);
  });

  app.openapi(get, async (c) => {
    const resource = await getResource(sql, c.get('caller').orgId, c.req.valid('param').resourceID);
    if (!resource) throw new AppError('not_found', 'No such resource');
    return c.json({ data: resource }, 200);
  });

  app.openapi(update, async (c) => {
    const resource = await updateResource(
      sql,
      c.get('caller').orgId,
      c.req.valid('param').resourceID,
      c.req.valid('json'),
    );
    if (!resource) throw new AppError('not_found', 'No such resource');
    return c.json({ data: resource }, 200);
  });

  app.openapi(remove, async (c) => {
    const { resourceID } = c.req.valid('param');
    const orgId = c.get('caller').orgId;
    await sql.begin(async (tx) => {
      if (!(await getResource(tx, orgId, resourceID))) throw new AppError('not_found', 'No such resource');
      const groups = await groupsOfResource(tx, resourceID);
      if (groups.length > 0) {
        throw new AppError('conflict', `The resource is a member of ${groups.join(', ')}; remove it from them first`);
      }
      await deleteResource(tx, orgId, resourceID);
    });
    return c.body(null, 204);
  });

  return app;
}
