import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { TransactionSql } from 'postgres';
import {
  deleteGroup,
  getGroup,
  groupMembers,
  groupNameTaken,
  insertGroup,
  listGroups,
  memberIssues,
  replaceMembers,
  updateGroupFields,
} from '../../db/groups';
import { AppError } from '../../domain/errors';
import type { GroupMember } from '../../domain/inventory';
import {
  CreateGroupRequest,
  ListQuery,
  ResourceGroup,
  ResourceGroupWithMembers,
  UpdateGroupRequest,
} from '../../domain/inventory';
import type { AuthEnv } from '../auth';
import type { AppDeps } from '../deps';
import { bearerAuth, data, errors, Id, jsonBody, page } from '../openapi';
import { validationHook } from '../validation';

const params = z.object({ groupID: Id });

const create = createRoute({
  method: 'post',
  path: '/groups',
  summary: 'Create a resource group: members with an execution tier and an order within it',
  security: bearerAuth,
  request: { body: jsonBody(CreateGroupRequest) },
  responses: { 201: data(ResourceGroupWithMembers, 'Created'), 400: errors[400], 401: errors[401], 409: errors[409] },
});

const list = createRoute({
  method: 'get',
  path: '/groups',
  summary: 'Your resource groups',
  security: bearerAuth,
  request: { query: ListQuery },
  responses: { 200: data(page(ResourceGroup), 'One page'), 400: errors[400], 401: errors[401] },
});

const get = createRoute({
  method: 'get',
  path: '/groups/{groupID}',
  summary: 'A group with its members in execution order',
  security: bearerAuth,
  request: { params },
  responses: { 200: data(ResourceGroupWithMembers, 'The group'), 401: errors[401], 404: errors[404] },
});

const update = createRoute({
  method: 'patch',
  path: '/groups/{groupID}',
  summary: 'Rename a group, or replace its members',
  security: bearerAuth,
  request: { params, body: jsonBody(UpdateGroupRequest) },
  responses: {
    200: data(ResourceGroupWithMembers, 'Updated'),
    400: errors[400],
    401: errors[401],
    404: errors[404],
    409: errors[409],
  },
});

const remove = createRoute({
  method: 'delete',
  path: '/groups/{groupID}',
  summary: 'Delete a group (its resources stay)',
  security: bearerAuth,
  request: { params },
  responses: { 204: { description: 'Deleted' }, 401: errors[401], 404: errors[404] },
});

/** Refuses, before anything is written, members that are unknown or listed twice. */
async function checkMembers(tx: TransactionSql, orgId: string, members: GroupMember[]): Promise<void> {
  const issues = (await memberIssues(tx, orgId, members)).map((i) => ({ ...i, path: `body.${i.path}` }));
  if (issues.length > 0) {
    const summary = issues
      .slice(0, 5)
      .map((i) => `${i.path}: ${i.message}`)
      .join('; ');
    throw new AppError('validation_failed', `Invalid request body: ${summary}`, issues);
  }
}

async function checkName(tx: TransactionSql, orgId: string, name: string, exceptId?: string): Promise<void> {
  if (await groupNameTaken(tx, orgId, name, exceptId)) {
    throw new AppError('conflict', `A group named ${name} exists already`, [
      { path: 'body.name', message: 'name taken' },
    ]);
  }
}

export function groupRoutes({ sql }: AppDeps) {
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });

  async function withMembers(orgId: string, id: string) {
    const group = await getGroup(sql, orgId, id);
    if (!group) throw new AppError('not_found', 'No such group');
    return { ...group, members: await groupMembers(sql, id) };
  }

  app.openapi(create, async (c) => {
    const body = c.req.valid('json');
    const { orgId } = c.get('caller');
    const id = await sql.begin(async (tx) => {
      await checkName(tx, orgId, body.name);
      await checkMembers(tx, orgId, body.members);
      const groupId = await insertGroup(tx, orgId, body);
      await replaceMembers(tx, groupId, body.members);
      return groupId;
    });
    return c.json({ data: await withMembers(orgId, id) }, 201);
  });

  app.openapi(list, async (c) => {
    const query = c.req.valid('query');
    const { items, total } = await listGroups(sql, c.get('caller').orgId, query);
    return c.json({ data: { items, total, page: query.page, limit: query.limit } }, 200);
  });

  app.openapi(get, async (c) =>
    c.json({ data: await withMembers(c.get('caller').orgId, c.req.valid('param').groupID) }, 200),
  );

  app.openapi(update, async (c) => {
    const body = c.req.valid('json');
    const { orgId } = c.get('caller');
    const { groupID } = c.req.valid('param');
    await sql.begin(async (tx) => {
      if (!(await getGroup(tx, orgId, groupID))) throw new AppError('not_found', 'No such group');
      if (body.name) await checkName(tx, orgId, body.name, groupID);
      if (body.members) await checkMembers(tx, orgId, body.members);
      await updateGroupFields(tx, orgId, groupID, body);
      if (body.members) await replaceMembers(tx, groupID, body.members);
    });
    return c.json({ data: await withMembers(orgId, groupID) }, 200);
  });

  app.openapi(remove, async (c) => {
    if (!(await deleteGroup(sql, c.get('caller').orgId, c.req.valid('param').groupID))) {
      throw new AppError('not_found', 'No such group');
    }
    return c.body(null, 204);
  });

  return app;
}
