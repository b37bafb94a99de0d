// SPDX-License-Identifier: Apache-2.0
package org.zonesync.tsig;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The compiled module-info: name, exports and requires (tests run on the class path). */
final class ModuleDescriptorTest {
  @Test
  void moduleInfo_exportsOnlyTheTsigPackage() throws Exception {
    Path classes = Path.of(Tsig.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    ModuleDescriptor d = ModuleFinder.of(classes).find("org.zonesync.tsig").orElseThrow()
        .descriptor();
    assertEquals(Set.of("org.zonesync.tsig"),
        d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()));
    assertEquals(new TreeSet<>(Set.of("java.base", "org.zonesync.api",
        "org.bouncycastle.provider", "org.slf4j", "org.jspecify")),
        d.requires().stream().map(ModuleDescriptor.Requires::name)
            .collect(Collectors.toCollection(TreeSet::new)));
    assertEquals(true, d.requires().stream().anyMatch(r -> r.name().equals("org.zonesync.api")
        && r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE)));
  }
}
