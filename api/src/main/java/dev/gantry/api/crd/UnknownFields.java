package dev.gantry.api.crd;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Base of the objects of CRDs that others may define more widely than our model (Contour's
 * HTTPProxy, the MCS ServiceImport): a field this build does not know is kept here instead of
 * failing the whole read, so that one object written against a richer CRD cannot stop a watch, and
 * so that a field we do not implement can be reported rather than ignored.
 */
public abstract class UnknownFields {
  @JsonIgnore private final Map<String, Object> unknownFields = new TreeMap<>();

  @JsonAnySetter
  void putUnknownField(String name, Object value) {
    unknownFields.put(name, value);
  }

  /** The fields of this object that the model does not declare, by name, as read. */
  @JsonIgnore
  public Map<String, Object> unknownFields() {
    return Collections.unmodifiableMap(unknownFields);
  }

  /**
   * Every field unknown to the model in the tree of model objects under {@code root}, by its path
   * from {@code path} (e.g. {@code spec.routes[0].ipAllowPolicy}), in path order.
   */
  public static Map<String, Object> collect(UnknownFields root, String path) {
    Map<String, Object> found = new TreeMap<>();
    collect(root, path, found);
    return found;
  }

  private static void collect(UnknownFields node, String path, Map<String, Object> found) {
    node.unknownFields.forEach((name, value) -> found.put(path + "." + name, value));
    for (Field field : CHILDREN.get(node.getClass())) {
      Object value;
      try {
        value = field.get(node);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
      String name = path + "." + jsonName(field);
      if (value instanceof UnknownFields child) {
        collect(child, name, found);
      } else if (value instanceof List<?> list) {
        for (int i = 0; i < list.size(); i++) {
          if (list.get(i) instanceof UnknownFields child) {
            collect(child, name + "[" + i + "]", found);
          }
        }
      }
    }
  }

  private static String jsonName(Field field) {
    JsonProperty renamed = field.getAnnotation(JsonProperty.class);
    return renamed != null && !renamed.value().isEmpty() ? renamed.value() : field.getName();
  }

  /** The fields of a model class that may hold model objects (objects or lists), its own first. */
  private static final ClassValue<List<Field>> CHILDREN =
      new ClassValue<>() {
        @Override
        protected List<Field> computeValue(Class<?> type) {
          List<Field> fields = new ArrayList<>();
          for (Class<?> c = type; c != UnknownFields.class && c != null; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
              if (!Modifier.isStatic(f.getModifiers())
                  && (UnknownFields.class.isAssignableFrom(f.getType())
                      || List.class.isAssignableFrom(f.getType()))) {
                f.setAccessible(true);
                fields.add(f);
              }
            }
          }
          return List.copyOf(fields);
        }
      };
}
