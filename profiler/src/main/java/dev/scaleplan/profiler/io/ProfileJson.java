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
 * input raises a {@link ProfileFormatException} naming the file and, for a syntax error, the line and column; for a
 * missing or wrong value, its path in the document (such as {@code curves[2].points[0].meanSeconds}).
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
    JsonNode root;
    try (com.fasterxml.jackson.core.JsonParser parser = MAPPER.getFactory().createParser(reader)) {
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
      throw new ProfileFormatException(name, 0, 0, "the format is '" + format + "', expected '" + FORMAT + "'.");
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
        throw new ProfileFormatException(name, 0, 0, where + ": " + e.getMessage());
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
          throw new ProfileFormatException(name, 0, 0, at + ": " + e.getMessage());
        }
      }
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new ProfileFormatException(name, 0, 0, e.getMessage());
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
            throw new ProfileFormatException(name, 0, 0, "facts.layerParameterBytes[" + i + "] must be a whole "
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
            throw new ProfileFormatException(name, 0, 0, "facts.layerLatencyShares[" + i + "] must be a number, found "
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
      throw new ProfileFormatException(name, 0, 0, "facts: " + e.getMessage());
    }
  }

  private static OptionalLong optionalBytes(String name, JsonNode f, String field) {
    JsonNode v = f.get(field);
    if (v == null || v.isNull()) {
      return OptionalLong.empty();
    }
    if (!v.isIntegralNumber()) {
      throw new ProfileFormatException(name, 0, 0, "facts." + field + " must be a whole number, found " + v + ".");
    }
    return OptionalLong.of(v.asLong());
  }

  private static JsonNode field(String name, JsonNode node, String field, String where) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw new ProfileFormatException(name, 0, 0, path(where, field) + " is missing.");
    }
    return v;
  }

  private static String text(String name, JsonNode node, String field, String where) {
    JsonNode v = field(name, node, field, where);
    if (!v.isTextual()) {
      throw new ProfileFormatException(name, 0, 0, path(where, field) + " must be a string, found " + v + ".");
    }
    return v.asText();
  }

  private static String path(String where, String field) {
    return where.isEmpty() ? field : where + "." + field;
  }

  private static int whole(String name, JsonNode node, String field, String where) {
    JsonNode v = field(name, node, field, where);
    if (!v.canConvertToInt() || !v.isIntegralNumber()) {
      throw new ProfileFormatException(name, 0, 0, path(where, field) + " must be a whole number, found " + v + ".");
    }
    return v.asInt();
  }

  private static double number(String name, JsonNode node, String field, String where) {
    JsonNode v = field(name, node, field, where);
    if (!v.isNumber()) {
      throw new ProfileFormatException(name, 0, 0, path(where, field) + " must be a number, found " + v + ".");
    }
    return v.asDouble();
  }
}
