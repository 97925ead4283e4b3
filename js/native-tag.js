// Names this platform the way the native binaries are named:
// linux-x64-gnu, linux-x64-musl, linux-arm64-gnu, darwin-arm64, win32-x64-msvc…

/** glibc or musl: Node's own report says which C library it runs on. */
const linuxLibc = () => {
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
