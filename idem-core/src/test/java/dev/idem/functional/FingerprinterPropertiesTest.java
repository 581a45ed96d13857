package dev.idem.functional;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.Fingerprint;
import dev.idem.Fingerprinter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

@Label("Canonical JSON fingerprints, as properties")
class FingerprinterPropertiesTest {
  private static final Map<String, List<String>> JSON =
      Map.of("Content-Type", List.of("application/json"));
  private static final Fingerprinter FINGERPRINTER =
      Fingerprinter.builder().canonicalJson(true).excludeFields("/ts", "/meta/id").build();

  private static Fingerprint fingerprint(Object tree, Random random) {
    byte[] body = Json.write(tree, random).getBytes(StandardCharsets.UTF_8);
    return FINGERPRINTER.fingerprint("POST", "/orders", JSON, body);
  }

  @Property(tries = 300)
  @Label("equal documents get equal fingerprints however they are written")
  void equalDocuments(@ForAll("trees") Object tree, @ForAll long seed1, @ForAll long seed2) {
    assertThat(fingerprint(tree, new Random(seed1)))
        .isEqualTo(fingerprint(tree, new Random(seed2)));
  }

  @Property(tries = 300)
  @Label("different documents get different fingerprints")
  void differentDocuments(@ForAll("trees") Object a, @ForAll("trees") Object b, @ForAll long seed) {
    Random random = new Random(seed);
    assertThat(fingerprint(a, random).equals(fingerprint(b, random))).isEqualTo(a.equals(b));
  }

  @Property(tries = 300)
  @Label("changing one value anywhere changes the fingerprint")
  void oneChange(@ForAll("trees") Object tree, @ForAll long seed) {
    Random random = new Random(seed);
    Object changed = Json.changeOneLeaf(tree, random);
    assertThat(changed).isNotEqualTo(tree);
    assertThat(fingerprint(changed, random)).isNotEqualTo(fingerprint(tree, random));
  }

  @Property(tries = 300)
  @Label("excluded fields do not count, the fields beside them do")
  void excludedFields(
      @ForAll("trees") Object ts1,
      @ForAll("trees") Object ts2,
      @ForAll("trees") Object id1,
      @ForAll("trees") Object id2,
      @ForAll("trees") Object other,
      @ForAll long seed) {
    Random random = new Random(seed);
    Map<String, Object> first = new LinkedHashMap<>(Map.of("amount", 10L, "ts", ts1));
    first.put("meta", new LinkedHashMap<>(Map.of("id", id1, "source", "web")));
    Map<String, Object> second = new LinkedHashMap<>(Map.of("amount", 10L, "ts", ts2));
    second.put("meta", new LinkedHashMap<>(Map.of("id", id2, "source", "web")));
    assertThat(fingerprint(first, random)).isEqualTo(fingerprint(second, random));

    second.put("other", other);
    assertThat(fingerprint(first, random)).isNotEqualTo(fingerprint(second, random));
  }

  @Provide
  Arbitrary<Object> trees() {
    return Arbitraries.randomValue(random -> Json.tree(random, 0));
  }

  /** JSON documents as plain Java values, whose equals is JSON equality. */
  enum Json {
    NULL;

    static Object tree(Random random, int depth) {
      switch (random.nextInt(depth > 2 ? 4 : 6)) {
        case 0:
          return string(random);
        case 1:
          // Integers below 2^53 are exact doubles, so Java and JSON equality agree.
          return random.nextLong() % (1L << 53);
        case 2:
          return random.nextBoolean();
        case 3:
          return NULL;
        case 4:
          {
            List<Object> list = new ArrayList<>();
            for (int i = random.nextInt(4); i > 0; i--) {
              list.add(tree(random, depth + 1));
            }
            return list;
          }
        default:
          {
            Map<String, Object> map = new LinkedHashMap<>();
            for (int i = random.nextInt(5); i > 0; i--) {
              map.put(string(random), tree(random, depth + 1));
            }
            return map;
          }
      }
    }

    static String string(Random random) {
      String alphabet = "ab\u00e9\u20ac\"\\\n";
      StringBuilder s = new StringBuilder();
      for (int i = random.nextInt(4); i > 0; i--) {
        s.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      return s.toString();
    }

    @SuppressWarnings("unchecked")
    static Object changeOneLeaf(Object tree, Random random) {
      if (tree instanceof Map<?, ?> map && !map.isEmpty()) {
        Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) map);
        List<String> keys = new ArrayList<>(copy.keySet());
        String key = keys.get(random.nextInt(keys.size()));
        copy.put(key, changeOneLeaf(copy.get(key), random));
        return copy;
      }
      if (tree instanceof List<?> list && !list.isEmpty()) {
        List<Object> copy = new ArrayList<>(list);
        int index = random.nextInt(copy.size());
        copy.set(index, changeOneLeaf(copy.get(index), random));
        return copy;
      }
      if (tree instanceof Long number) {
        return number + 1;
      }
      if (tree instanceof String string) {
        return string + "x";
      }
      // Empty containers, booleans and null become a value of another kind.
      return tree.equals(Boolean.TRUE) ? Boolean.FALSE : Boolean.TRUE;
    }

    static String write(Object tree, Random random) {
      StringBuilder out = new StringBuilder();
      write(tree, random, out);
      return out.toString();
    }

    private static void write(Object tree, Random random, StringBuilder out) {
      space(random, out);
      if (tree instanceof Map<?, ?> map) {
        List<Map.Entry<?, ?>> members = new ArrayList<>(map.entrySet());
        Collections.shuffle(members, random);
        out.append('{');
        for (int i = 0; i < members.size(); i++) {
          out.append(i == 0 ? "" : ",");
          writeString((String) members.get(i).getKey(), random, out);
          out.append(':');
          write(members.get(i).getValue(), random, out);
        }
        out.append('}');
      } else if (tree instanceof List<?> list) {
        out.append('[');
        for (int i = 0; i < list.size(); i++) {
          out.append(i == 0 ? "" : ",");
          write(list.get(i), random, out);
        }
        out.append(']');
      } else if (tree instanceof String string) {
        writeString(string, random, out);
      } else if (tree instanceof Long number) {
        // Integers may be spelled with a fraction or an exponent.
        out.append(number);
        if (random.nextBoolean()) {
          out.append(random.nextBoolean() ? ".0" : "e0");
        }
      } else {
        out.append(tree == NULL ? "null" : tree.toString());
      }
      space(random, out);
    }

    private static void writeString(String s, Random random, StringBuilder out) {
      space(random, out);
      out.append('"');
      for (char c : s.toCharArray()) {
        if (c == '"' || c == '\\') {
          out.append('\\').append(c);
        } else if (c == '\n' || random.nextInt(3) == 0) {
          out.append(String.format("\\u%04x", (int) c));
        } else {
          out.append(c);
        }
      }
      out.append('"');
      space(random, out);
    }

    private static void space(Random random, StringBuilder out) {
      if (random.nextInt(3) == 0) {
        out.append(" \n\t\r".charAt(random.nextInt(4)));
      }
    }
  }
}
