package io.lanes.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The shape of Lanes, checked on its main classes: {@code app} (the composition root) uses the features; the features
 * use the shared packages ({@code http} plumbing, {@code lane}, {@code bus}, {@code config}, {@code registry},
 * {@code lifecycle}); nothing points back up.
 */
@DisplayName("The architecture")
class ArchitectureTest {

  private static final String[] FEATURES = {"io.lanes.core..", "io.lanes.files..", "io.lanes.tasks..",
    "io.lanes.fanout..", "io.lanes.compute..", "io.lanes.schedule..", "io.lanes.ops..", "io.lanes.cluster..",
    "io.lanes.docs..", "io.lanes.dashboard.."};
  private static final String[] SHARED = {"io.lanes.http..", "io.lanes.lane..", "io.lanes.bus..", "io.lanes.config..",
    "io.lanes.registry..", "io.lanes.lifecycle.."};
  private static final JavaClasses LANES = new ClassFileImporter()
    .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
    .importPackages("io.lanes");

  @Test
  @DisplayName("has no cycles between its packages")
  void packagesFormADag() {
    slices().matching("io.lanes.(*)..").should().beFreeOfCycles().check(LANES);
  }

  @Test
  @DisplayName("keeps http a leaf of web plumbing: it imports no feature and not app")
  void httpIsALeaf() {
    classes().that().resideInAPackage("io.lanes.http..")
      .should().onlyDependOnClassesThat().resideOutsideOfPackages(concat(FEATURES, "io.lanes.app.."))
      .check(LANES);
  }

  @Test
  @DisplayName("lets no feature and no shared package import app, the composition root")
  void nothingImportsTheCompositionRoot() {
    noClasses().that().resideOutsideOfPackage("io.lanes.app..")
      .should().dependOnClassesThat().resideInAPackage("io.lanes.app..")
      .check(LANES);
  }

  @Test
  @DisplayName("keeps the shared packages free of features")
  void sharedPackagesImportNoFeature() {
    noClasses().that().resideInAnyPackage(SHARED)
      .should().dependOnClassesThat().resideInAnyPackage(FEATURES)
      .check(LANES);
  }

  private static String[] concat(String[] packages, String more) {
    String[] all = java.util.Arrays.copyOf(packages, packages.length + 1);
    all[packages.length] = more;
    return all;
  }
}
