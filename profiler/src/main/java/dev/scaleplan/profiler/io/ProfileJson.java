package dev.scaleplan.profiler.io;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scaleplan.profiler.LatencyCurve;
import dev.scaleplan.profiler.LatencyPoint;
import dev.scaleplan.profiler.LatencyProfile;
import dev.scaleplan.profiler.ModelFacts;
import dev.scaleplan.profiler.Phase;
import dev.scaleplan.profiler.ProfileKey;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;

/**
 * scaleplan's profile JSON, version 1: the same content as {@link ProfileCsv}, as one object.
 * <pre>
 * {"format": "scaleplan-profile/1", "model": "resnet50-v1.5", "source": "...",
 *  "curves": [{"gpu": "A100-80GB", "parallelDegree": 1, "phase": "batch",
 *              "points": [{"batch": 1, "meanSeconds": 0.002128, "p99Seconds": 0.002272}, ...]}]}
 * </pre>
 * Numbers are written in their shortest exact decimal form, so write-then-read gives back an equal profile. Malformed
 * input raises a {@link ProfileFormatException} naming the file, the line and column, and for a missing or wrong value
 * its path in the document (such as {@code curves[2].points[0].meanSeconds}; a missing field is located at its
 * object).
 */
public final class ProfileJson {
  /** The value of the {@code format} field. */
  public static final String FORMAT = "scaleplan-profile/1";
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ProfileJson() {}

  /** The profile as JSON text. */
  public static String write(LatencyProfile profile) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format", FORMAT);
    root.put("model", profile.model());
    root.put("source", profile.source());
    ModelFacts f = profile.facts();
    if (!f.isEmpty()) {
      ObjectNode facts = root.putObject("facts");
      f.parameterBytes().ifPresent(v -> facts.put("parameterBytes", v));
      if (f.layerParameterBytes().length > 0) {
        ArrayNode a = facts.putArray("layerParameterBytes");
        for (long v : f.layerParameterBytes()) {
          a.add(v);
        }
      }
      if (f.layerLatencyShares().length > 0) {
        ArrayNode a = facts.putArray("layerLatencyShares");
        for (double v : f.layerLatencyShares()) {
          a.add(v);
        }
      }
      f.activationBytesPerRequest().ifPresent(v -> facts.put("activationBytesPerRequest", v));
      f.gpuMemoryBytes().ifPresent(v -> facts.put("gpuMemoryBytes", v));
    }
    ArrayNode curves = root.putArray("curves");
    for (Map.Entry<ProfileKey, LatencyCurve> e : profile.curves().entrySet()) {
      ObjectNode c = curves.addObject();
      c.put("gpu", e.getKey().gpuType());
      c.put("parallelDegree", e.getKey().parallelDegree());
      c.put("phase", e.getKey().phase().label());
      ArrayNode points = c.putArray("points");
      for (LatencyPoint p : e.getValue().points()) {
        points.addObject().put("batch", p.batchSize()).put("meanSeconds", p.meanSeconds())
            .put("p99Seconds", p.p99Seconds());
      }
    }
    try {
      return MAPPER.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes the profile to a file. */
  public static void write(LatencyProfile profile, Path file) {
    try {
      Files.writeString(file, write(profile), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the profile " + file + ": " + e.getMessage(), e);
    }
  }

  /** Reads a profile file. */
  public static LatencyProfile read(Path file) {
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(in, file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the profile " + file + ": " + e.getMessage(), e);
    }
  }

  /** Reads a profile from text. */
  public static LatencyProfile parse(String text, String name) {
    return read(new StringReader(text), name);
  }

  /** Reads a profile; {@code name} is what error messages call the input. */
  public static LatencyProfile read(Reader reader, String name) {
    String text;
    try {
      StringBuilder sb = new StringBuilder();
      char[] buf = new char[8192];
      for (int n; (n = reader.read(buf)) > 0; ) {
        sb.append(buf, 0, n);
      }
      text = sb.toString();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the profile " + name + ": " + e.getMessage(), e);
    }
    try {
      return parseTree(text, name);
    } catch (ProfileFormatException e) {
      if (e.line() > 0 || e.pointer == null) { // a syntax error, located by the parser
        throw e;
      }
      JsonLocation at = locate(text, e.pointer);
      throw new ProfileFormatException(name, at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(),
          e.detail());
    }
  }

  /**
   * Where the value at a JSON Pointer starts in the text (for a missing field: its parent object), so that errors
   * found on the tree can still name a line and column.
   */
  private static JsonLocation locate(String text, String pointer) {
    String target = pointer;
    while (true) {
      try (com.fasterxml.jackson.core.JsonParser p = MAPPER.getFactory().createParser(text)) {
        for (com.fasterxml.jackson.core.JsonToken t; (t = p.nextToken()) != null; ) {
          if (t == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
            continue;
          }
          com.fasterxml.jackson.core.JsonStreamContext c = p.getParsingContext();
          String here = (t.isStructStart() ? c.getParent() : c) == null ? ""
              : pointerOf(t.isStructStart() ? c.getParent() : c);
          if (here.equals(target)) {
            return p.getTokenLocation();
          }
        }
      } catch (IOException e) {
        return null;
      }
      int cut = target.lastIndexOf('/');
      if (cut < 0 || target.isEmpty()) {
        return null;
      }
      target = target.substring(0, cut);
    }
  }

  private static String pointerOf(com.fasterxml.jackson.core.JsonStreamContext c) {
    return c.pathAsPointer().toString();
  }

  private static LatencyProfile parseTree(String text, String name) {
    JsonNode root;
    try (com.fasterxml.jackson.core.JsonParser parser = MAPPER.getFactory().createParser(text)) {
      root = MAPPER.readTree(parser);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new ProfileFormatException(name, at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(),
          "not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the profile " + name + ": " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new ProfileFormatException(name, 1, 1, "expected a JSON object with format, model and curves.");
    }
    String format = text(name, root, "format", "");
    if (!FORMAT.equals(format)) {
      throw content(name, "format", "the format is '" + format + "', expected '" + FORMAT + "'.");
    }
    LatencyProfile.Builder b = LatencyProfile.builder(text(name, root, "model", ""))
        .source(root.has("source") ? root.get("source").asText() : "");
    if (root.has("facts")) {
      b.facts(facts(name, root.get("facts")));
    }
    JsonNode curves = field(name, root, "curves", "");
    for (int i = 0; i < curves.size(); i++) {
      String where = "curves[" + i + "]";
      JsonNode c = curves.get(i);
      ProfileKey key;
      try {
        key = new ProfileKey(text(name, c, "gpu", where), whole(name, c, "parallelDegree", where),
            Phase.of(text(name, c, "phase", where)));
      } catch (ProfileFormatException e) {
        throw e;
      } catch (IllegalArgumentException e) {
        throw content(name, where, where + ": " + e.getMessage());
      }
      JsonNode points = field(name, c, "points", where);
      for (int j = 0; j < points.size(); j++) {
        JsonNode p = points.get(j);
        String at = where + ".points[" + j + "]";
        try {
          b.add(key, new LatencyPoint(whole(name, p, "batch", at), number(name, p, "meanSeconds", at),
              number(name, p, "p99Seconds", at)));
        } catch (ProfileFormatException e) {
          throw e;
        } catch (IllegalArgumentException e) {
          throw content(name, at, at + ": " + e.getMessage());
        }
      }
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw content(name, "", e.getMessage());
    }
  }

  private static ModelFacts facts(String name, JsonNode f) {
    try {
      long[] layerBytes = new long[0];
      double[] shares = new double[0];
      if (f.has("layerParameterBytes")) {
        JsonNode a = f.get("layerParameterBytes");
        layerBytes = new long[a.size()];
        for (int i = 0; i < a.size(); i++) {
          if (!a.get(i).isIntegralNumber()) {
            throw content(name, "facts.layerParameterBytes[" + i + "]", "facts.layerParameterBytes[" + i + "] must be a whole "
                + "number, found " + a.get(i) + ".");
          }
          layerBytes[i] = a.get(i).asLong();
        }
      }
      if (f.has("layerLatencyShares")) {
        JsonNode a = f.get("layerLatencyShares");
        shares = new double[a.size()];
        for (int i = 0; i < a.size(); i++) {
          if (!a.get(i).isNumber()) {
            throw content(name, "facts.layerLatencyShares[" + i + "]",
                "facts.layerLatencyShares[" + i + "] must be a number, found "
                + a.get(i) + ".");
          }
          shares[i] = a.get(i).asDouble();
        }
      }
      return new ModelFacts(optionalBytes(name, f, "parameterBytes"), layerBytes, shares,
          optionalBytes(name, f, "activationBytesPerRequest"), optionalBytes(name, f, "gpuMemoryBytes"));
    } catch (ProfileFormatException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw content(name, "facts", "facts: " + e.getMessage());
    }
  }

  private static OptionalLong optionalBytes(String name, JsonNode f, String field) {
    JsonNode v = f.get(field);
    if (v == null || v.isNull()) {
      return OptionalLong.empty();
    }
    if (!v.isIntegralNumber()) {
      throw content(name, "facts." + field, "facts." + field + " must be a whole number, found " + v + ".");
    }
    return OptionalLong.of(v.asLong());
  }

  private static JsonNode field(String name, JsonNode node, String field, String where) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw content(name, path(where, field), path(where, field) + " is missing.");
    }
    return v;
  }

  private static String text(String name, JsonNode node, String field, String where) {
    JsonNode v = field(name, node, field, where);
    if (!v.isTextual()) {
      throw content(name, path(where, field), path(where, field) + " must be a string, found " + v + ".");
    }
    return v.asText();
  }

  /** A content error at a dotted path such as {@code curves[0].points[1].batch}, to be located in the text. */
  private static ProfileFormatException content(String name, String path, String message) {
    String pointer = path.isEmpty() ? "" : "/" + path.replace("[", "/").replace("]", "").replace(".", "/");
    return new ProfileFormatException(name, 0, 0, message, pointer);
  }

  private static String path(String where, String field) {
    return where.isEmpty() ? field : where + "." + field;
  }

  private static int whole(String name, JsonNode node, String field, String where) {
    JsonNode v = field(name, node, field, where);
    if (!v.canConvertToInt() || !v.isIntegralNumber()) {
      throw content(name, path(where, field),
          path(where, field) + " must be a whole number, found " + v + ".");
    }
    return v.asInt();
  }

  private static double number(String name, JsonNode node, String field, String where) {
    JsonNode v = field(name, node, field, where);
    if (!v.isNumber()) {
      throw content(name, path(where, field), path(where, field) + " must be a number, found " + v + ".");
    }
    return v.asDouble();
  }
}
