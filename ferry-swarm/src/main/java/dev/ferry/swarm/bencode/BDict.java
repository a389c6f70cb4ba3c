package dev.ferry.swarm.bencode;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** A bencoded dictionary: byte-string keys, kept in their canonical (raw byte) order. */
public final class BDict implements BValue {
  private final SortedMap<BString, BValue> entries;

  private BDict(SortedMap<BString, BValue> entries) {
    this.entries = Collections.unmodifiableSortedMap(entries);
  }

  public static BDict of(Map<BString, ? extends BValue> entries) {
    return new BDict(new TreeMap<>(entries));
  }

  /** Takes the map without a copy: for the decoder and the builder, which made it. */
  static BDict wrap(TreeMap<BString, BValue> entries) {
    return new BDict(entries);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The entries in key order. */
  public SortedMap<BString, BValue> entries() {
    return entries;
  }

  public BValue get(String key) {
    return entries.get(BString.of(key));
  }

  public boolean has(String key) {
    return entries.containsKey(BString.of(key));
  }

  public int size() {
    return entries.size();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof BDict that && entries.equals(that.entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  @Override
  public String toString() {
    return entries.toString();
  }

  /** Builds a dictionary entry by entry, in any order. */
  public static final class Builder {
    private final TreeMap<BString, BValue> entries = new TreeMap<>();

    private Builder() {}

    public Builder put(String key, BValue value) {
      return put(BString.of(key), value);
    }

    public Builder put(BString key, BValue value) {
      entries.put(key, value);
      return this;
    }

    public Builder put(String key, long value) {
      return put(key, new BInteger(value));
    }

    public Builder put(String key, byte[] value) {
      return put(key, BString.of(value));
    }

    public BDict build() {
      return BDict.wrap(new TreeMap<>(entries));
    }
  }
}
