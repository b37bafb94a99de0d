// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.zonesync.api.TsigKey;
import org.zonesync.core.internal.notifyout.NotifyTarget;
import org.zonesync.core.internal.serve.TransferAcl;
import org.zonesync.core.internal.xfr.IxfrOutPlan;

/**
 * How a zone is served onward to secondaries: who may transfer it ({@code allow-transfer}), whom
 * to NOTIFY after each new version ({@code also-notify}) and when an IXFR is sent as a whole zone
 * instead ({@code max-ixfr-ratio}). The default, {@link #none()}, serves nobody.
 *
 * <pre>{@code
 * ZoneServing.builder()
 *     .allowTransfer("key:xfr-key.", "192.0.2.0/24")
 *     .alsoNotify(new InetSocketAddress("192.0.2.53", 53), key)
 *     .build();
 * }</pre>
 *
 * <p>Immutable.
 *
 * @since 0.1
 */
public final class ZoneServing {

  private static final ZoneServing NONE = new ZoneServing(List.of(), List.of(),
      IxfrOutPlan.Ratio.DEFAULT);

  private final List<String> rules;
  private final TransferAcl acl;
  private final List<NotifyTarget> notify;
  private final IxfrOutPlan.Ratio ratio;

  private ZoneServing(List<String> rules, List<NotifyTarget> notify, IxfrOutPlan.Ratio ratio) {
    this.rules = List.copyOf(rules);
    this.acl = TransferAcl.parse(this.rules);
    this.notify = List.copyOf(notify);
    this.ratio = ratio;
  }

  /** Returns the default: transfers and SOA queries refused to everyone, no NOTIFY sent. */
  public static ZoneServing none() {
    return NONE;
  }

  /** Returns a builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the transfer ACL as written. */
  public List<String> allowTransfer() {
    return rules;
  }

  /** Returns the NOTIFY targets' addresses, in order. */
  public List<InetSocketAddress> alsoNotify() {
    List<InetSocketAddress> out = new ArrayList<>(notify.size());
    for (NotifyTarget t : notify) {
      out.add(t.address());
    }
    return List.copyOf(out);
  }

  /** Returns max-ixfr-ratio in percent; 0 means unlimited. */
  public long maxIxfrRatio() {
    return ratio.percent();
  }

  TransferAcl acl() {
    return acl;
  }

  List<NotifyTarget> notifyTargets() {
    return notify;
  }

  IxfrOutPlan.Ratio ratio() {
    return ratio;
  }

  @Override
  public String toString() {
    return "allow-transfer " + rules + ", also-notify " + notify + ", max-ixfr-ratio " + ratio;
  }

  /** Builds a {@link ZoneServing}. Not thread-safe. */
  public static final class Builder {
    private final List<String> rules = new ArrayList<>();
    private final List<NotifyTarget> notify = new ArrayList<>();
    private IxfrOutPlan.Ratio ratio = IxfrOutPlan.Ratio.DEFAULT;

    private Builder() {
    }

    /**
     * Adds transfer ACL rules, checked in order, first match wins, deny when none matches:
     * {@code 192.0.2.0/24}, {@code 2001:db8::/32}, a bare address, {@code key:NAME} (a request
     * that verified with that TSIG key), each optionally negated with {@code !}. The same rules
     * govern SOA queries.
     *
     * @param rules the rules
     * @return this
     * @throws IllegalArgumentException if a rule does not parse, naming it
     */
    public Builder allowTransfer(String... rules) {
      List<String> add = List.of(rules);
      TransferAcl.parse(add); // fail here, at the line that wrote the bad rule
      this.rules.addAll(add);
      return this;
    }

    /**
     * Sends an unsigned NOTIFY to this secondary after each new version.
     *
     * @param target the secondary's address and port
     * @return this
     */
    public Builder alsoNotify(InetSocketAddress target) {
      notify.add(NotifyTarget.unsigned(requireNonNull(target, "target")));
      return this;
    }

    /**
     * Sends a NOTIFY signed with {@code key} to this secondary after each new version; its
     * answer must be signed with the same key.
     *
     * @param target the secondary's address and port
     * @param key the key
     * @return this
     */
    public Builder alsoNotify(InetSocketAddress target, TsigKey key) {
      notify.add(NotifyTarget.signed(requireNonNull(target, "target"), requireNonNull(key,
          "key")));
      return this;
    }

    /**
     * Sets BIND's {@code max-ixfr-ratio}: an IXFR larger than this share of the zone is sent as
     * the whole zone. Default 100.
     *
     * @param percent 1 or more, or 0 for unlimited
     * @return this
     * @throws IllegalArgumentException if negative
     */
    public Builder maxIxfrRatio(int percent) {
      this.ratio = percent == 0 ? IxfrOutPlan.Ratio.UNLIMITED : new IxfrOutPlan.Ratio(percent);
      return this;
    }

    /**
     * Builds.
     *
     * @return the serving configuration
     * @throws IllegalArgumentException if a NOTIFY target is listed twice
     */
    public ZoneServing build() {
      List<InetSocketAddress> seen = new ArrayList<>();
      for (NotifyTarget t : notify) {
        if (seen.contains(t.address())) {
          throw new IllegalArgumentException("notify target " + t.address() + " is listed twice");
        }
        seen.add(t.address());
      }
      return new ZoneServing(rules, notify, ratio);
    }
  }
}
