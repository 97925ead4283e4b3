// Names this platform the way the native binaries are named:
// linux-x64-gnu, linux-x64-musl, linux-arm64-gnu, darwin-arm64, win32-x64-msvc…
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

/** The dynamic loader named in the first page of an ELF file (PT_INTERP), if any. */
const interpreterOf = (file) => {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(4096);
    const length = readSync(fd, head, 0, head.length, 0);
    const text = head.toString('latin1', 0, length);
    if (text.includes('ld-musl-')) return 'musl';
    if (text.includes('ld-linux')) return 'gnu';
    return undefined;
  } finally {
    closeSync(fd);
  }
};

/**
 * glibc or musl: the loader the Node binary itself asks for says it in a 4 KiB
 * read. The libraries mapped into this process are the fallback (a static Node),
 * then Node's diagnostic report, which is right too but takes 10-20 ms, and
 * Logto loads connectors on start-up.
 */
const linuxLibc = () => {
  try {
    const fromInterpreter = interpreterOf('/proc/self/exe');
    if (fromInterpreter) return fromInterpreter;
    const maps = readFileSync('/proc/self/maps', 'utf8');
    if (/ld-musl-|libc\.musl-/.test(maps)) return 'musl';
    if (/libc\.so\.6|ld-linux/.test(maps)) return 'gnu';
  } catch {
    // No /proc: ask Node below.
  }
  const report = process.report?.getReport?.();
  if (report?.header?.glibcVersionRuntime) return 'gnu';
  const objects = report?.sharedObjects ?? [];
  return objects.some((file) => /libc\.musl-|ld-musl-/.test(file)) ? 'musl' : 'gnu';
};

export const platformTag = () => {
  const { platform, arch } = process;
  if (platform === 'linux') return `linux-${arch}-${linuxLibc()}`;
  if (platform === 'win32') return `win32-${arch}-msvc`;
  return `${platform}-${arch}`;
};
