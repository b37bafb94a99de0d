// SPDX-License-Identifier: Apache-2.0
package org.zonesync.core.internal.serve;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * The allow-transfer list of one zone: who may receive it by AXFR or IXFR (RFC 5936 section 6
 * leaves this to local policy; it says servers should restrict it). Immutable and thread-safe.
 *
 * <p>The list is ordered and read the way BIND reads an address_match_list: the first rule that
 * matches decides, an ordinary rule allows, a negated ({@code !}) rule denies, and when no rule
 * matches the request is denied. So {@code ["!192.0.2.7", "192.0.2.0/24"]} admits the /24 except
 * one host, while the reverse order admits the whole /24. Rules, in text form:
 *
 * <ul>
 *   <li>{@code 192.0.2.0/24}, {@code 2001:db8::/32}: an address prefix. A bare address is a host
 *       prefix (/32, /128). Bits beyond the length are ignored ({@code 192.0.2.7/24} means {@code
 *       192.0.2.0/24}), as BIND masks them. The client's source address is compared; a client
 *       with an IPv4-mapped IPv6 address ({@code ::ffff:192.0.2.7}, seen on dual-stack sockets)
 *       is compared as its IPv4 address, so IPv4 rules apply to it and IPv6 rules do not; an IPv6
 *       rule inside {@code ::ffff:0:0/96} is read as the equivalent IPv4 rule. Otherwise IPv4
 *       rules match only IPv4 clients and IPv6 rules only IPv6 clients: {@code ::/0} means every
 *       IPv6 client, not every client. Literals only: no host names, no zone ids.
 *   <li>{@code key:NAME}: matches only when the request carried a TSIG record that verified
 *       (RFC 8945 section 5.2) with the key named NAME. Names compare case-insensitively (RFC
 *       4343); a relative name is taken as absolute. An unsigned request, or one signed with a
 *       different key, does not match.
 *   <li>{@code !rule}: the same match, but it denies.
 * </ul>
 *
 * <p>Address and key rules are alternatives, never conjunctions: a request matching either kind
 * of rule is decided by it. To require TSIG, list only key rules. Check this list before a
 * transfer slot is taken from {@link OutQuota}, so that refused clients cannot exhaust the quota.
 */
public final class TransferAcl {

  /** The outcome of a check. */
  public enum Verdict {
    /** The transfer may proceed (to the quota). */
    ALLOW,
    /** The transfer must be refused (REFUSED, RFC 5936 section 6). */
    DENY
  }

  /**
   * What {@link #check} decided and why, for the log line.
   *
   * @param verdict allow or deny
   * @param rule the rule that matched, as written (trimmed), or empty if none matched and the
   *     default (deny) applied
   */
  public record Decision(Verdict verdict, Optional<String> rule) {
    /**
     * Checks the parts.
     *
     * @param verdict allow or deny
     * @param rule the matched rule, or empty
     * @throws IllegalArgumentException if no rule matched but the verdict is ALLOW
     */
    public Decision {
      requireNonNull(verdict, "verdict");
      requireNonNull(rule, "rule");
      if (rule.isEmpty() && verdict == Verdict.ALLOW) {
        throw new IllegalArgumentException("allow without a matching rule");
      }
    }

    /**
     * Whether the transfer may proceed.
     *
     * @return true for ALLOW
     */
    public boolean allowed() {
      return verdict == Verdict.ALLOW;
    }

    /**
     * A short text for the log, for example {@code denied by rule '!192.0.2.7'} or {@code denied:
     * no rule matched}.
     *
     * @return the text
     */
    public String describe() {
      String v = verdict == Verdict.ALLOW ? "allowed" : "denied";
      return rule.map(r -> v + " by rule '" + r + "'").orElse(v + ": no rule matched");
    }
  }

  private static final TransferAcl DENY_ALL = new TransferAcl(List.of());

  /** One parsed rule; exactly one of prefix and key is set. */
  private record Rule(String text, boolean negated, @Nullable AddressPrefix prefix,
      @Nullable Name key) {}

  private final List<Rule> rules;

  private TransferAcl(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  /**
   * Parses rules in the text form described on the class.
   *
   * @param rules the rules, in order; surrounding white space is ignored
   * @return the list
   * @throws IllegalArgumentException naming the first bad rule, for example {@code bad prefix
   *     length 33 in '192.0.2.0/33'}
   */
  public static TransferAcl parse(List<String> rules) {
    List<Rule> out = new ArrayList<>(rules.size());
    for (int i = 0; i < rules.size(); i++) {
      out.add(parseRule(requireNonNull(rules.get(i), "rule"), i + 1));
    }
    return out.isEmpty() ? DENY_ALL : new TransferAcl(out);
  }

  /**
   * The empty list, which denies every request (the default for a zone without allow-transfer).
   *
   * @return the list
   */
  public static TransferAcl denyAll() {
    return DENY_ALL;
  }

  private static Rule parseRule(String raw, int position) {
    String text = raw.strip();
    if (text.isEmpty()) {
      throw new IllegalArgumentException("empty rule at position " + position);
    }
    boolean negated = text.charAt(0) == '!';
    String body = negated ? text.substring(1).strip() : text;
    if (body.isEmpty() || body.charAt(0) == '!') {
      throw new IllegalArgumentException("nothing to negate in '" + text + "'");
    }
    if (body.regionMatches(true, 0, "key:", 0, 4)) {
      String keyName = body.substring(4).strip();
      if (keyName.isEmpty()) {
        throw new IllegalArgumentException("missing key name in '" + text + "'");
      }
      try {
        return new Rule(text, negated, null, Name.fromString(keyName, Name.root));
      } catch (TextParseException e) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "bad key name in '%s': %s", text, e.getMessage()), e);
      }
    }
    return new Rule(text, negated, AddressPrefix.parse(body, text), null);
  }

  /**
   * Decides whether {@code client} may transfer the zone.
   *
   * @param client the request's source address
   * @param verifiedKey the name of the key the request's TSIG verified with; empty if the request
   *     was unsigned (a TSIG that failed to verify never reaches here: it is answered with a TSIG
   *     error first, RFC 8945 section 5.2)
   * @return the verdict and the rule that decided it
   */
  public Decision check(InetAddress client, Optional<Name> verifiedKey) {
    byte[] address = AddressPrefix.clientBytes(client);
    @Nullable Name key = verifiedKey.orElse(null);
    for (Rule r : rules) {
      // Name.equals ignores case (RFC 4343), which is the comparison TSIG key names need.
      AddressPrefix prefix = r.prefix();
      boolean hit = prefix != null ? prefix.matches(address) : requireNonNull(r.key()).equals(key);
      if (hit) {
        return new Decision(r.negated() ? Verdict.DENY : Verdict.ALLOW, Optional.of(r.text()));
      }
    }
    return new Decision(Verdict.DENY, Optional.empty());
  }

  /**
   * Whether there are no rules, so every request is denied.
   *
   * @return true for an empty list
   */
  public boolean isEmpty() {
    return rules.isEmpty();
  }

  /**
   * The rules as written (trimmed), for diagnostics.
   *
   * @return the rules
   */
  @Override
  public String toString() {
    return rules.stream().map(Rule::text).toList().toString();
  }
}
