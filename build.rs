fn main() {
  napi_build::setup();
  // A Mach-O library records its own install name (LC_ID_DYLIB); by default
  // that is the build machine's output path. Node loads the addon by its
  // file path, so the name only has to be neutral, not findable.
  if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("macos") {
    println!("cargo:rustc-cdylib-link-arg=-Wl,-install_name,@rpath/logto-sms-native.node");
  }
}
