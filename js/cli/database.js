// --db-url: the connector's config as Logto keeps it, in its own PostgreSQL
// database: the `config` (jsonb) of the `connectors` row whose
// `connector_id` is the connector's id, for one tenant. Read-only: the
// session is opened with default_transaction_read_only, and the only
// statement is one SELECT.
//
// The URL is a libpq URL; TLS follows its `sslmode` with libpq's meanings
// (https://www.postgresql.org/docs/current/libpq-ssl.html#LIBPQ-SSL-PROTECTION):
//   disable      no TLS
//   allow        plain first, TLS if the server insists; no certificate check
//   prefer       (libpq's default) TLS if the server offers it, else plain; no certificate check
//   require      TLS; no certificate check (with sslrootcert: as verify-ca)
//   verify-ca    TLS; the chain must lead to sslrootcert (or the system's roots)
//   verify-full  TLS; the chain as verify-ca, and the host name must match
// sslrootcert=system means the system's roots (libpq 16); sslcert / sslkey
// give a client certificate.
import { readFileSync } from 'node:fs';
import { checkServerIdentity } from 'node:tls';

import pg from 'pg';
import { parse as parseConnectionString } from 'pg-connection-string';

import { UsageError } from './args.js';

const SSL_PARAMS = ['sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'sslpassword', 'sslnegotiation', 'uselibpqcompat', 'ssl'];
const MODES = new Set(['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full']);
const DEADLINE_MS = 10_000;

/** A description of the URL that never holds its password. */
const shown = (config) => `${config.host ?? 'localhost'}:${config.port ?? 5432}/${config.database ?? ''}`;

/** The URL's connection settings, without its TLS ones, and the TLS settings apart. */
export const readUrl = (url) => {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError('--db-url is not a URL (expected postgres://user:password@host:port/database?sslmode=…)');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new UsageError('--db-url must start with postgres:// or postgresql://');
  }
  const tls = Object.fromEntries(SSL_PARAMS.map((name) => [name, parsed.searchParams.get(name) ?? undefined]));
  for (const name of SSL_PARAMS) parsed.searchParams.delete(name);
  const mode = tls.sslmode ?? 'prefer';
  if (!MODES.has(mode)) throw new UsageError(`--db-url: unknown sslmode ${JSON.stringify(mode)}`);
  const connection = parseConnectionString(parsed.toString());
  delete connection.ssl;
  return { connection, mode, tls };
};

const readFile = (name, file) => {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new UsageError(`--db-url: cannot read ${name} ${file}: ${error.code ?? error.message}`);
  }
};

/** node:tls options for a TLS attempt under `mode`. */
export const tlsOptions = (mode, tls, host) => {
  const options = {};
  if (tls.sslcert) options.cert = readFile('sslcert', tls.sslcert);
  if (tls.sslkey) options.key = readFile('sslkey', tls.sslkey);
  if (tls.sslpassword) options.passphrase = tls.sslpassword;
  const rootFile = tls.sslrootcert && tls.sslrootcert !== 'system' ? tls.sslrootcert : undefined;
  // libpq: require with a root certificate behaves as verify-ca.
  const effective = mode === 'require' && rootFile ? 'verify-ca' : mode;
  if (effective === 'verify-ca' || effective === 'verify-full') {
    options.rejectUnauthorized = true;
    if (rootFile) options.ca = readFile('sslrootcert', rootFile);
    // verify-ca: the chain only, whatever name the certificate carries.
    options.checkServerIdentity = effective === 'verify-full' ? (name, cert) => checkServerIdentity(host ?? name, cert) : () => undefined;
  } else {
    // libpq's allow, prefer and require encrypt without checking the certificate.
    options.rejectUnauthorized = false;
  }
  return options;
};

const NO_TLS = /does not support SSL|The server does not support SSL connections/i;

/** One connection attempt; `ssl` false for plain. */
const connect = async (connection, ssl) => {
  const client = new pg.Client({
    ...connection,
    ssl,
    connectionTimeoutMillis: DEADLINE_MS,
    query_timeout: DEADLINE_MS,
    options: '-c default_transaction_read_only=on',
    application_name: 'logto-sms doctor',
  });
  await client.connect();
  return client;
};

/** Connects as `mode` says, falling back between TLS and plain where libpq would. */
const open = async ({ connection, mode, tls }) => {
  const secure = () => tlsOptions(mode, tls, connection.host);
  switch (mode) {
    case 'disable':
      return connect(connection, false);
    case 'allow':
      try {
        return await connect(connection, false);
      } catch (error) {
        // The server refused a plain connection (pg_hba hostssl): try TLS.
        if (!/no pg_hba.conf entry|SSL/i.test(String(error?.message))) throw error;
        return connect(connection, secure());
      }
    case 'prefer':
      try {
        return await connect(connection, secure());
      } catch (error) {
        if (!NO_TLS.test(String(error?.message))) throw error;
        return connect(connection, false);
      }
    default:
      return connect(connection, secure());
  }
};

export class DatabaseError extends Error {}

/** The `config` of the connector's row for `tenant`, as a value. */
export const readConfigRow = async (url, connectorId, tenant) => {
  const settings = readUrl(url);
  let client;
  try {
    client = await open(settings);
  } catch (error) {
    throw new DatabaseError(`cannot connect to the database at ${shown(settings.connection)}: ${error?.code ? `${error.code} ` : ''}${error?.message ?? error}`);
  }
  try {
    const { rows } = await client.query('SELECT config FROM connectors WHERE connector_id = $1 AND tenant_id = $2', [connectorId, tenant]);
    if (rows.length === 0) throw new DatabaseError(`no connector row with connector_id ${connectorId} for tenant ${tenant} in ${shown(settings.connection)}`);
    if (rows.length > 1) throw new DatabaseError(`${rows.length} connector rows with connector_id ${connectorId} for tenant ${tenant}: which one Logto uses is unclear`);
    const { config } = rows[0];
    return typeof config === 'string' ? JSON.parse(config) : config;
  } catch (error) {
    if (error instanceof DatabaseError) throw error;
    throw new DatabaseError(`cannot read the connectors table at ${shown(settings.connection)}: ${error?.message ?? error}`);
  } finally {
    await client.end().catch(() => {});
  }
};
