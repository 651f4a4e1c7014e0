package dev.scaleplan.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the module boundaries of DESIGN.md honest by scanning every main source file of the reactor: only
 * {@code dev.scaleplan.solvers.ilp} imports OR-Tools, only the jcuda adapter imports JCuda, only the kubernetes
 * adapter ({@code dev.scaleplan.adapters.kubernetes}) imports fabric8, {@code api} imports nothing but the JDK and Guava, and no
 * main code imports JUnit.
 */
class ArchitectureTest {
  private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)", Pattern.MULTILINE);

  record Source(Path path, String pkg, List<String> imports) {}

  @Test
  void boundariesHold() throws IOException {
    List<Source> sources = mainSources();
    assertTrue(sources.size() > 10, "found the reactor's sources: " + sources.size());
    List<String> violations = new ArrayList<>();
    for (Source s : sources) {
      for (String imp : s.imports()) {
        if (imp.startsWith("com.google.ortools") && !s.pkg().startsWith("dev.scaleplan.solvers.ilp")) {
          violations.add(s.path() + " imports OR-Tools outside dev.scaleplan.solvers.ilp");
        }
        if (imp.startsWith("jcuda") && !s.pkg().startsWith("dev.scaleplan.adapters.jcuda")) {
          violations.add(s.path() + " imports JCuda outside the jcuda adapter");
        }
        if (imp.startsWith("io.fabric8") && !s.pkg().startsWith("dev.scaleplan.adapters.kubernetes")) {
          violations.add(s.path() + " imports fabric8 (Kubernetes) outside the kubernetes adapter");
        }
        if (imp.startsWith("org.junit") || imp.startsWith("org.opentest4j")) {
          violations.add(s.path() + " is main code importing JUnit");
        }
        if (s.pkg().startsWith("dev.scaleplan.api") && !(imp.startsWith("java.")
            || imp.startsWith("com.google.common") || imp.startsWith("dev.scaleplan.api"))) {
          violations.add(s.path() + " (api) imports " + imp);
        }
      }
    }
    assertTrue(violations.isEmpty(), String.join("\n", violations));
  }

  private static List<Source> mainSources() throws IOException {
    Path root = Path.of("").toAbsolutePath();
    while (root != null && !Files.exists(root.resolve("api/pom.xml"))) {
      root = root.getParent();
    }
    assertTrue(root != null, "the reactor root (with api/pom.xml) is above " + Path.of("").toAbsolutePath());
    List<Source> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String s = p.toString();
        if (s.endsWith(".java") && s.contains("/src/main/java/") && !s.contains("/target/")) {
          String text = Files.readString(p);
          Matcher pm = Pattern.compile("^package\\s+([\\w.]+);", Pattern.MULTILINE).matcher(text);
          String pkg = pm.find() ? pm.group(1) : "";
          List<String> imports = new ArrayList<>();
          Matcher m = IMPORT.matcher(text);
          while (m.find()) {
            imports.add(m.group(1));
          }
          out.add(new Source(root.relativize(p), pkg, imports));
        }
      }
    }
    return out;
  }
}
