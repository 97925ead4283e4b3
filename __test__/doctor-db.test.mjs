// `--db-url`: doctor and trace read the connector's row from Logto's own
// database (table `connectors`: tenant_id, connector_id, config jsonb),
// against a real PostgreSQL started here on a free loopback port with TLS on
// (the loopback test certificate). The right tenant's row is read, nothing
// is written, TLS follows sslmode with libpq's meanings, and the password
// in the URL is never printed.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { startTencentSimulator } from './simulator/index.mjs';
import { runFolder } from './support/cli.mjs';
import { tencentConfig } from './support/configs.mjs';
import { postgresMissing, startPostgres } from './support/postgres.mjs';

const PASSWORD = 'MARKER-pg-pw-7c1e';
const fixtures = new URL('./fixtures/', import.meta.url).pathname;

describe('--db-url', { skip: postgresMissing }, () => {
  let db;
  let sim;
  before(async () => {
    sim = await startTencentSimulator();
    db = await startPostgres({ password: PASSWORD });
    await db.query(`CREATE TABLE connectors (
      tenant_id varchar(21) NOT NULL, id varchar(128) NOT NULL, connector_id varchar(128) NOT NULL,
      config jsonb NOT NULL DEFAULT '{}'::jsonb, PRIMARY KEY (tenant_id, id))`);
    const insert = 'INSERT INTO connectors (tenant_id, id, connector_id, config) VALUES ($1, $2, $3, $4)';
    // The default tenant's row is healthy; another tenant's has a wrong key.
    await db.query(insert, ['default', 'c1', 'tencent-short-message-service', tencentConfig(sim)]);
    await db.query(insert, ['other', 'c2', 'tencent-short-message-service', tencentConfig(sim, { accessKeySecret: 'wrong' })]);
    await db.query(insert, ['default', 'c3', 'aliyun-short-message-service', { accessKeyId: 'x' }]);
    await db.query(`CREATE FUNCTION refuse_writes() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'written'; END $$`);
    await db.query('CREATE TRIGGER no_writes BEFORE INSERT OR UPDATE OR DELETE ON connectors FOR EACH STATEMENT EXECUTE FUNCTION refuse_writes()');
  });
  after(async () => {
    await db?.stop();
    await sim?.close();
  });

  const doctor = async (url, extra = []) => {
    const result = await runFolder('tencent', ['doctor', '--db-url', url, '--json', ...extra]);
    assert.ok(!result.stdout.includes(PASSWORD) && !result.stderr.includes(PASSWORD), 'the database password was printed');
    return result;
  };

  it("reads the default tenant's row, or --tenant's", async () => {
    const own = await doctor(db.url);
    assert.equal(own.status, 0, own.stderr);
    const byId = Object.fromEntries(JSON.parse(own.stdout).checks.map((c) => [c.id, c.status]));
    assert.equal(byId.credentials, 'pass');
    const other = await doctor(db.url, ['--tenant', 'other']);
    assert.equal(other.status, 1);
    assert.equal(JSON.parse(other.stdout).checks.find((c) => c.id === 'credentials').status, 'fail');
  });

  it('exits 2 when there is no such row, and for an unreachable database', async () => {
    const none = await doctor(db.url, ['--tenant', 'nobody']);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /no connector row/);
    const closed = await doctor(db.url.replace(`:${db.port}/`, ':1/'));
    assert.equal(closed.status, 2);
    assert.match(closed.stderr, /cannot connect/);
  });

  it('follows sslmode as libpq does: require encrypts unverified, verify-full needs a trusted certificate', async () => {
    for (const mode of ['disable', 'allow', 'prefer', 'require']) {
      const result = await doctor(`${db.url}?sslmode=${mode}`);
      assert.equal(result.status, 0, `${mode}: ${result.stderr}`);
    }
    const untrusted = await doctor(`${db.url}?sslmode=verify-full`);
    assert.equal(untrusted.status, 2);
    assert.match(untrusted.stderr, /cannot connect/);
    const trusted = await doctor(`${db.url}?sslmode=verify-full&sslrootcert=${path.join(fixtures, 'untrusted-cert.pem')}`);
    assert.equal(trusted.status, 0, trusted.stderr);
    const bad = await doctor(`${db.url}?sslmode=sometimes`);
    assert.equal(bad.status, 2);
  });

  it('trace reads the row too', async () => {
    const result = await runFolder('tencent', ['trace', '--db-url', db.url, '--phone', '8613812345678', '--json']);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).ok, true);
  });
});
