package dev.scaleplan.solvers.ilp;

import com.google.ortools.Loader;

/** OR-Tools' native library, loaded once per JVM on first use. */
final class Natives {
  static {
    Loader.loadNativeLibraries();
  }

  private Natives() {}

  static void load() {
    // the static initialiser runs once per JVM
  }
}
