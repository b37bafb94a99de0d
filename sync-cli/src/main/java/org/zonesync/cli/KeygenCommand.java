// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import java.security.SecureRandom;
import java.util.concurrent.Callable;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;
import org.zonesync.api.TsigAlgorithm;
import org.zonesync.tsig.TsigKeyFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code zonesync keygen}: prints a new TSIG key as a BIND key statement, like tsig-keygen. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
    description = "Print a new TSIG key as a BIND key statement (as tsig-keygen does).")
final class KeygenCommand implements Callable<Integer> {

  @Option(names = {"-a", "--algorithm"}, defaultValue = "hmac-sha256",
      description = "hmac-md5, hmac-sha1, hmac-sha224, hmac-sha256 (default), hmac-sha384, "
          + "hmac-sha512")
  String algorithm = "hmac-sha256";

  @Parameters(index = "0", paramLabel = "NAME", description = "the key name")
  String name = "";

  @Override
  public Integer call() {
    TsigAlgorithm alg = TsigAlgorithm.fromKeyword(algorithm).orElse(null);
    if (alg == null) {
      System.err.println("zonesync keygen: unknown algorithm: " + algorithm);
      return 2;
    }
    Name keyName;
    try {
      keyName = Name.fromString(name, Name.root);
    } catch (TextParseException e) {
      System.err.println("zonesync keygen: invalid key name: " + name);
      return 2;
    }
    System.out.print(TsigKeyFiles.toBindStatement(
        TsigKeyFiles.generate(keyName, alg, new SecureRandom())));
    return 0;
  }
}
