import { parseArgs } from 'node:util';
import { z } from 'zod';
import { migrate } from '../db/migrate';
import { ensureOrganisation } from '../db/organisations';
import { createToken, listTokens, revokeToken } from '../db/tokens';
import { loadConfig } from '../runtime/config';
import { openDatabase } from '../runtime/database';
import { runMain } from '../runtime/process';

const usage = `Usage:
  npm run token -- create --email <email> --org <organisation> [--label <text>]
  npm run token -- list
  npm run token -- revoke <token-id>`;

const CreateArgs = z.object({
  email: z.email(),
  org: z.string().min(1).max(100),
  label: z.string().max(200).optional(),
});

/** Manages API tokens. A new token is printed once; only its hash is stored. */
await runMain('token', async (log) => {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { email: { type: 'string' }, org: { type: 'string' }, label: { type: 'string' } },
  });
  const [command, arg] = positionals;
  const config = loadConfig();
  const db = await openDatabase(config, log);
  try {
    await migrate(db.sql);
    if (command === 'create') {
      const parsed = CreateArgs.safeParse(values);
      if (!parsed.success) {
        console.error(
          `${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n')}\n\n${usage}`,
        );
        process.exitCode = 2;
        return;
      }
      const org = await ensureOrganisation(db.sql, parsed.data.org);
      const { id, token } = await createToken(db.sql, {
        orgId: org.id,
        email: parsed.data.email,
        label: parsed.data.label,
      });
      console.log(
        `Token ${id} for ${parsed.data.email} in organisation "${org.name}" (shown once, store it now):\n${token}`,
      );
    } else if (command === 'list') {
      console.table(await listTokens(db.sql));
    } else if (command === 'revoke' && arg) {
      console.log((await revokeToken(db.sql, arg)) ? `Revoked ${arg}` : `No active token ${arg}`);
    } else {
      console.error(usage);
      process.exitCode = 2;
    }
  } finally {
    await db.close();
  }
});
