// Output for people: one line per check (status word, id, detail) with the
// fix under each fail and warn; one line per traced message. Never JSON.
const WORDS = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', skip: 'SKIP' };

export const doctorTable = (document) => {
  const width = Math.max(...document.checks.map((check) => check.id.length), 2);
  const lines = [`logto-sms doctor: ${document.connector}`, ''];
  for (const check of document.checks) {
    lines.push(`${WORDS[check.status] ?? check.status.toUpperCase()}  ${check.id.padEnd(width)}  ${check.detail}`);
    if (check.fix) lines.push(`${' '.repeat(6 + width + 2)}fix: ${check.fix}`);
  }
  const count = (status) => document.checks.filter((check) => check.status === status).length;
  lines.push('', `${count('fail')} failed, ${count('warn')} warned, ${count('pass')} passed, ${count('skip')} skipped: ${document.ok ? 'OK' : 'NOT OK'}`);
  return `${lines.join('\n')}\n`;
};

const COLUMNS = [
  ['STATUS', (m) => m.status],
  ['SENT', (m) => m.sentAt],
  ['RECEIVED', (m) => m.receivedAt],
  ['ERROR', (m) => [m.errorCode, m.errorDescription].filter(Boolean).join(' ')],
  ['TEMPLATE', (m) => m.template],
  ['ID', (m) => m.id],
  ['ACCOUNT', (m) => m.account],
];

export const traceTable = (document) => {
  const head = `logto-sms trace: ${document.connector}, ${document.phone}, ${document.date} (China Standard Time)`;
  if (!document.ok) {
    const { code, providerCode, errorDescription } = document.error;
    return `${head}\n\nthe query failed: ${code}${providerCode ? ` (${providerCode})` : ''}: ${errorDescription}\n`;
  }
  if (document.messages.length === 0) return `${head}\n\nno messages found\n`;
  const columns = COLUMNS.filter(([name]) => name !== 'ACCOUNT' || document.messages.some((m) => m.account));
  const cells = document.messages.map((m) => columns.map(([, get]) => get(m) || '-'));
  const widths = columns.map(([name], i) => Math.max(name.length, ...cells.map((row) => row[i].length)));
  const line = (row) => row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd();
  return `${head}\n\n${[line(columns.map(([name]) => name)), ...cells.map(line)].join('\n')}\n`;
};
