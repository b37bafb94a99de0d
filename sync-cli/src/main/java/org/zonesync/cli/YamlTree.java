// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import static org.zonesync.cli.ConfigException.quote;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * A YAML document as a small tree of mappings, sequences and text, each node with its line:
 * what {@link ConfigParser} walks. Built from snakeyaml-engine's event stream, not its composer,
 * so that nothing recurses on the input's nesting: a document nested deeper than {@link
 * #MAX_DEPTH}, with an anchor or alias (no alias bombs, no cycles), a tag, a second document or
 * a key that appears twice in one mapping is refused before anything else reads it. Stateless.
 */
final class YamlTree {

  /** The deepest nesting of mappings and sequences accepted. */
  static final int MAX_DEPTH = 16;

  /** A node of the tree. */
  sealed interface YNode permits Scalar, Sequence, Mapping {
    /** Returns the 1-based line where the node starts, 0 if unknown. */
    int line();
  }

  /**
   * Text.
   *
   * @param value the text
   * @param isNull whether it is YAML's null: empty, {@code ~} or {@code null}, unquoted
   * @param line the 1-based line
   */
  record Scalar(String value, boolean isNull, int line) implements YNode {
  }

  /**
   * A sequence.
   *
   * @param items the items
   * @param line the 1-based line
   */
  record Sequence(List<YNode> items, int line) implements YNode {
  }

  /**
   * One key and its value.
   *
   * @param key the key
   * @param value the value
   */
  record Entry(Scalar key, YNode value) {
  }

  /**
   * A mapping, its entries in file order, every key once.
   *
   * @param entries the entries
   * @param line the 1-based line
   */
  record Mapping(List<Entry> entries, int line) implements YNode {
  }

  private YamlTree() {
  }

  /**
   * Parses one YAML document.
   *
   * @param text the document
   * @param file the file name, for messages
   * @param maxCodePoints the longest document accepted
   * @return the root node, empty for an empty document
   * @throws ConfigException if the text is not YAML or breaks one of the rules above
   */
  static Optional<YNode> parse(String text, String file, int maxCodePoints)
      throws ConfigException {
    LoadSettings settings = LoadSettings.builder().setLabel(file).setUseMarks(true)
        .setAllowDuplicateKeys(false).setAllowRecursiveKeys(false)
        .setMaxAliasesForCollections(0).setCodePointLimit(maxCodePoints).build();
    Builder b = new Builder(file);
    try {
      for (Event e : new Parse(settings).parseString(text)) {
        b.accept(e);
      }
    } catch (MarkedYamlEngineException e) {
      throw new ConfigException(file, e.getProblemMark().map(YamlTree::line).orElse(0), "",
          "invalid YAML: " + plain(e.getProblem()));
    } catch (YamlEngineException e) {
      throw new ConfigException(file, 0, "", "invalid YAML: " + plain(
          String.valueOf(e.getMessage())));
    }
    return Optional.ofNullable(b.root);
  }

  private static int line(Mark m) {
    return m.getLine() + 1;
  }

  private static int line(Event e) {
    return e.getStartMark().map(YamlTree::line).orElse(0);
  }

  /** The library's text, cut at 200 characters, control characters shown as escapes. */
  private static String plain(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < Math.min(200, s.length()); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** Assembles the tree from events with an explicit stack. */
  private static final class Builder {
    private final String file;
    private final Deque<Open> stack = new ArrayDeque<>();
    private @Nullable YNode root;
    private int documents;

    Builder(String file) {
      this.file = file;
    }

    /** A mapping or sequence being read. */
    private static final class Open {
      final boolean mapping;
      final int line;
      final List<YNode> items = new ArrayList<>();
      final Map<String, Integer> keys = new HashMap<>();

      Open(boolean mapping, int line) {
        this.mapping = mapping;
        this.line = line;
      }
    }

    void accept(Event e) throws ConfigException {
      switch (e.getEventId()) {
        case DocumentStart -> {
          if (++documents > 1) {
            throw new ConfigException(file, line(e), "", "more than one YAML document");
          }
        }
        case Alias -> throw new ConfigException(file, line(e), "",
            "YAML aliases are not supported");
        case Scalar -> add(scalar((ScalarEvent) e));
        case MappingStart, SequenceStart -> {
          check((CollectionStartEvent) e);
          if (stack.size() >= MAX_DEPTH) {
            throw new ConfigException(file, line(e), "", "nested deeper than " + MAX_DEPTH
                + " levels");
          }
          stack.push(new Open(e.getEventId() == Event.ID.MappingStart, line(e)));
        }
        case MappingEnd, SequenceEnd -> {
          Open o = stack.pop();
          add(o.mapping ? mapping(o) : new Sequence(List.copyOf(o.items), o.line));
        }
        default -> {
          // stream and document boundaries, comments: nothing to keep
        }
      }
    }

    private Scalar scalar(ScalarEvent e) throws ConfigException {
      check(e);
      if (e.getTag().isPresent()) {
        throw new ConfigException(file, line(e), "", "YAML tags are not supported");
      }
      String v = e.getValue();
      boolean isNull = e.isPlain() && (v.isEmpty() || v.equals("~") || v.equals("null"));
      return new Scalar(v, isNull, line(e));
    }

    private void check(NodeEvent e) throws ConfigException {
      if (e.getAnchor().isPresent()) {
        throw new ConfigException(file, line(e), "", "YAML anchors are not supported");
      }
      if (e instanceof CollectionStartEvent c && c.getTag().isPresent()) {
        throw new ConfigException(file, line(e), "", "YAML tags are not supported");
      }
    }

    private Mapping mapping(Open o) {
      List<Entry> entries = new ArrayList<>(o.items.size() / 2);
      for (int i = 0; i + 1 < o.items.size(); i += 2) {
        entries.add(new Entry((Scalar) o.items.get(i), o.items.get(i + 1)));
      }
      return new Mapping(List.copyOf(entries), o.line);
    }

    private void add(YNode n) throws ConfigException {
      Open top = stack.peek();
      if (top == null) {
        root = n;
        return;
      }
      if (top.mapping && top.items.size() % 2 == 0) {
        if (!(n instanceof Scalar k) || k.isNull()) {
          throw new ConfigException(file, n.line(), "", "mapping keys must be plain text");
        }
        Integer first = top.keys.putIfAbsent(k.value(), k.line());
        if (first != null) {
          throw new ConfigException(file, k.line(), "", "duplicate key " + quote(k.value())
              + " (first at line " + first + ")");
        }
      }
      top.items.add(n);
    }
  }
}
