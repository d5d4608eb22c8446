package io.lanes.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * Typed, validated reads of one JSON config section. Values may be JSON numbers/booleans or strings (environment and
 * system-property overrides arrive as strings). Every failure names the full dotted key.
 */
final class ConfigReader {

  private final JsonObject json;
  private final String prefix;

  private ConfigReader(JsonObject json, String prefix) {
    this.json = json;
    this.prefix = prefix;
  }

  static ConfigReader root(JsonObject json) {
    return new ConfigReader(json == null ? new JsonObject() : json, "");
  }

  ConfigReader section(String key) {
    Object value = json.getValue(key);
    if (value == null) {
      return new ConfigReader(new JsonObject(), path(key) + ".");
    }
    if (!(value instanceof JsonObject)) {
      throw new ConfigException(path(key), "must be a JSON object, got " + describe(value));
    }
    return new ConfigReader((JsonObject) value, path(key) + ".");
  }

  String path(String key) {
    return prefix + key;
  }

  boolean has(String key) {
    return json.getValue(key) != null;
  }

  long longValue(String key, long defaultValue, long min, long max) {
    Object value = json.getValue(key);
    if (value == null) {
      return defaultValue;
    }
    long parsed;
    if (value instanceof Number number) {
      double asDouble = number.doubleValue();
      if (asDouble != Math.rint(asDouble) || Double.isInfinite(asDouble)) {
        throw outOfRange(key, value, min, max);
      }
      parsed = number.longValue();
    } else if (value instanceof String text) {
      try {
        parsed = Long.parseLong(text.trim());
      } catch (NumberFormatException e) {
        throw outOfRange(key, value, min, max);
      }
    } else {
      throw outOfRange(key, value, min, max);
    }
    if (parsed < min || parsed > max) {
      throw outOfRange(key, value, min, max);
    }
    return parsed;
  }

  int integer(String key, int defaultValue, int min, int max) {
    return (int) longValue(key, defaultValue, min, max);
  }

  boolean bool(String key, boolean defaultValue) {
    Object value = json.getValue(key);
    if (value == null) {
      return defaultValue;
    }
    if (value instanceof Boolean flag) {
      return flag;
    }
    if (value instanceof String text) {
      String trimmed = text.trim();
      if (trimmed.equalsIgnoreCase("true")) {
        return true;
      }
      if (trimmed.equalsIgnoreCase("false")) {
        return false;
      }
    }
    throw new ConfigException(path(key), "must be true or false, got " + describe(value));
  }

  String string(String key, String defaultValue) {
    Object value = json.getValue(key);
    if (value == null) {
      return defaultValue;
    }
    if (!(value instanceof String text) || text.isBlank()) {
      throw new ConfigException(path(key), "must be a non-empty string, got " + describe(value));
    }
    return text.trim();
  }

  String requiredString(String key) {
    String value = string(key, null);
    if (value == null) {
      throw new ConfigException(path(key), "is required");
    }
    return value;
  }

  /** A list of strings, given as a JSON array or as one comma-separated string (the form an environment variable has). */
  List<String> strings(String key, List<String> defaultValue) {
    Object value = json.getValue(key);
    if (value == null) {
      return defaultValue;
    }
    List<String> result = new ArrayList<>();
    if (value instanceof String text) {
      for (String part : text.split(",")) {
        if (!part.isBlank()) {
          result.add(part.trim());
        }
      }
      return List.copyOf(result);
    }
    if (value instanceof JsonArray array) {
      for (Object item : array) {
        if (!(item instanceof String text) || text.isBlank()) {
          throw new ConfigException(path(key), "must hold only non-empty strings, got " + describe(item));
        }
        result.add(text.trim());
      }
      return List.copyOf(result);
    }
    throw new ConfigException(path(key), "must be a list of strings, got " + describe(value));
  }

  /** The objects of a JSON array, each as a reader named {@code key[i]}. */
  List<ConfigReader> objects(String key) {
    Object value = json.getValue(key);
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonArray array)) {
      throw new ConfigException(path(key), "must be a JSON array of objects, got " + describe(value));
    }
    List<ConfigReader> result = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      Object item = array.getValue(i);
      String itemPath = path(key) + "[" + i + "]";
      if (!(item instanceof JsonObject object)) {
        throw new ConfigException(itemPath, "must be a JSON object, got " + describe(item));
      }
      result.add(new ConfigReader(object, itemPath + "."));
    }
    return result;
  }

  private ConfigException outOfRange(String key, Object value, long min, long max) {
    return new ConfigException(path(key), "must be an integer in " + min + ".." + max + ", got " + describe(value));
  }

  private static String describe(Object value) {
    return value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
  }
}
