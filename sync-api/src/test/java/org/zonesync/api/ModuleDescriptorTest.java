// SPDX-License-Identifier: Apache-2.0
package org.zonesync.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The compiled module-info: its name and exactly the packages it exports. */
final class ModuleDescriptorTest {

  @Test
  void module_exportsOnlyItsPublicPackages() throws Exception {
    Path classes = Path.of(SerialNumber.class.getProtectionDomain().getCodeSource().getLocation()
        .toURI());
    ModuleDescriptor d = ModuleFinder.of(classes).find("org.zonesync.api").orElseThrow().descriptor();
    assertEquals(Set.of("org.zonesync.api", "org.zonesync.api.spi"), d.exports().stream()
        .map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()));
    assertEquals(Set.of(), d.opens());
  }
}
