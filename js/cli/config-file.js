// --config: the connector's JSON config from a file, or from stdin (`-`).
import { readFileSync } from 'node:fs';

import { UsageError } from './args.js';

const readStdin = async () => {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
};

/** The parsed config; a file that cannot be read or is not JSON is bad usage. */
export const readConfigFile = async (file) => {
  let text;
  try {
    text = file === '-' ? await readStdin() : readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the config ${file === '-' ? 'from stdin' : `file ${file}`}: ${error.code ?? error.message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    // The parser's message quotes the text around the error: it may be a secret.
    throw new UsageError(`the config ${file === '-' ? 'on stdin' : `file ${file}`} is not JSON`);
  }
};
