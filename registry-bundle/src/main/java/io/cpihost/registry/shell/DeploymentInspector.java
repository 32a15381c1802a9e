package io.cpihost.registry.shell;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

import io.cpihost.api.CpiExtension;
import io.cpihost.api.CpiRegistry;
import io.cpihost.api.ExtensionInfo;

/**
 * Tells, for every file of the watched folder, what became of it: the bundle it installed and
 * whether it runs, the configuration it created and whether its component activated, and why
 * not. Uses only standard OSGi APIs (framework wiring, ConfigAdmin, the DS runtime DTOs).
 */
final class DeploymentInspector {

    /** What became of one file. */
    record Entry(String file, String kind, boolean problem, String status) {
    }

    private static final String FILENAME_PROPERTY = "felix.fileinstall.filename";

    private final BundleContext context;
    private final CpiRegistry registry;
    private final ServiceComponentRuntime scr;
    private final ConfigurationAdmin configAdmin;

    DeploymentInspector(BundleContext context, CpiRegistry registry, ServiceComponentRuntime scr,
            ConfigurationAdmin configAdmin) {
        this.context = context;
        this.registry = registry;
        this.scr = scr;
        this.configAdmin = configAdmin;
    }

    /** The watched folder, from FileInstall's framework property. */
    Path watchedFolder() {
        String dir = context.getProperty("felix.fileinstall.dir");
        return dir == null ? null : Path.of(dir).toAbsolutePath().normalize();
    }

    List<Entry> inspect(Path folder) throws IOException {
        List<Entry> entries = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> list = Files.list(folder)) {
            files = list.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
            String name = file.getFileName().toString();
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.endsWith(".jar")) {
                entries.add(inspectJar(file));
            } else if (lower.endsWith(".cfg") || lower.endsWith(".config")) {
                entries.add(inspectConfiguration(file));
            } else {
                entries.add(inspectArtifact(file));
            }
        }
        return entries;
    }

    // ------------------------------------------------------------------ bridge artifacts

    /** A file a bridge may have claimed: found through the extensions' source property. */
    private Entry inspectArtifact(Path file) {
        String name = file.getFileName().toString();
        Path target = real(file);
        List<String> found = new ArrayList<>();
        boolean problem = false;
        ServiceReference<?>[] references;
        try {
            references = context.getAllServiceReferences(CpiExtension.class.getName(),
                    "(" + CpiExtension.SOURCE_PROPERTY + "=*)");
        } catch (InvalidSyntaxException e) {
            references = null;
        }
        List<ExtensionInfo> infos = registry == null ? List.of() : registry.list();
        for (ServiceReference<?> reference : references == null ? new ServiceReference<?>[0] : references) {
            Object source = reference.getProperty(CpiExtension.SOURCE_PROPERTY);
            if (source == null || !target.equals(real(Path.of(source.toString())))) {
                continue;
            }
            Object serviceId = reference.getProperty(Constants.SERVICE_ID);
            ExtensionInfo info = infos.stream().filter(i -> Long.valueOf(i.serviceId()).equals(serviceId))
                    .findFirst().orElse(null);
            if (info == null) {
                found.add("extension service " + serviceId + " (not tracked by the registry)");
                problem = true;
                continue;
            }
            boolean healthy = info.state() == ExtensionInfo.State.ACTIVE || info.state() == ExtensionInfo.State.DEGRADED;
            problem |= !healthy;
            found.add(info.providerType() + " extension '" + info.name() + "' " + info.state()
                    + (info.reason().isEmpty() ? "" : ": " + info.reason()));
        }
        if (!found.isEmpty()) {
            return new Entry(name, "extension", problem, String.join("; ", found));
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".so") || lower.endsWith(".dylib") || lower.endsWith(".dll")) {
            return new Entry(name, "library", true, "no extension was loaded from it (is the native bridge running?"
                    + " a sidecar .json is read with its library).");
        }
        if (lower.endsWith(".json") && Files.exists(file.resolveSibling(name.substring(0, name.length() - 5)))) {
            return new Entry(name, "sidecar", false, "configuration of " + name.substring(0, name.length() - 5));
        }
        if (Files.isExecutable(file)) {
            return new Entry(name, "executable", true, "not registered: it did not describe itself as a CPI"
                    + " through get-capabilities (see the log), or the process bridge is not running.");
        }
        return new Entry(name, "file", false, "not a bundle, configuration, shared library or executable; ignored.");
    }

    // ------------------------------------------------------------------ bundles

    private Entry inspectJar(Path file) {
        String name = file.getFileName().toString();
        Bundle bundle = bundleAt(file);
        if (bundle == null) {
            return new Entry(name, "bundle", true, "not installed: " + whyNotABundle(file));
        }
        String identity = bundle.getSymbolicName() + " " + bundle.getVersion();
        if (bundle.getState() == Bundle.ACTIVE) {
            List<String> failures = componentProblems(bundle.getBundleId(), null);
            if (!failures.isEmpty()) {
                return new Entry(name, "bundle", true, identity + " active, but " + String.join("; ", failures));
            }
            return new Entry(name, "bundle", false, identity + " active");
        }
        if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null && bundle.getState() == Bundle.RESOLVED) {
            return new Entry(name, "bundle", false, identity + " fragment, resolved");
        }
        String state = stateName(bundle.getState());
        if (bundle.getState() == Bundle.INSTALLED) {
            List<String> missing = missingRequirements(bundle);
            return new Entry(name, "bundle", true, identity + " " + state + (missing.isEmpty()
                    ? " (not resolved)" : ": missing " + String.join(", ", missing)));
        }
        return new Entry(name, "bundle", true, identity + " " + state + " (not started)");
    }

    private Bundle bundleAt(Path file) {
        Path target = real(file);
        for (Bundle bundle : context.getBundles()) {
            String location = bundle.getLocation();
            if (location == null || !location.startsWith("file:")) {
                continue;
            }
            try {
                if (target.equals(real(Path.of(URI.create(location))))) {
                    return bundle;
                }
            } catch (IllegalArgumentException e) {
                // not a path location
            }
        }
        return null;
    }

    private static Path real(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path.toAbsolutePath().normalize();
        }
    }

    static String whyNotABundle(Path file) {
        try (JarFile jar = new JarFile(file.toFile())) {
            Manifest manifest = jar.getManifest();
            if (manifest == null) {
                return "the jar has no META-INF/MANIFEST.MF.";
            }
            if (manifest.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME) == null) {
                return "the manifest has no Bundle-SymbolicName, so it is not an OSGi bundle.";
            }
            return "FileInstall did not install it (a bundle with the same symbolic name and version may already"
                    + " be installed, or the copy is still in progress).";
        } catch (IOException e) {
            return "the file is not a readable jar (" + e.getMessage() + ").";
        }
    }

    /** Mandatory package and bundle requirements no installed bundle offers. */
    private List<String> missingRequirements(Bundle bundle) {
        List<String> missing = new ArrayList<>();
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        if (revision == null) {
            return missing;
        }
        for (String namespace : List.of(BundleRevision.PACKAGE_NAMESPACE, BundleRevision.BUNDLE_NAMESPACE)) {
            for (BundleRequirement requirement : revision.getDeclaredRequirements(namespace)) {
                if ("optional".equals(requirement.getDirectives().get(Constants.RESOLUTION_DIRECTIVE))) {
                    continue;
                }
                if (!offered(requirement, namespace)) {
                    missing.add(namespace.substring(namespace.lastIndexOf('.') + 1) + " "
                            + requirement.getDirectives().getOrDefault("filter", "?"));
                }
            }
        }
        return missing;
    }

    private boolean offered(BundleRequirement requirement, String namespace) {
        String filterText = requirement.getDirectives().get("filter");
        Filter filter;
        try {
            filter = filterText == null ? null : FrameworkUtil.createFilter(filterText);
        } catch (InvalidSyntaxException e) {
            return false;
        }
        for (Bundle other : context.getBundles()) {
            BundleRevision revision = other.adapt(BundleRevision.class);
            if (revision == null || other.getState() == Bundle.UNINSTALLED) {
                continue;
            }
            for (BundleCapability capability : revision.getDeclaredCapabilities(namespace)) {
                if (filter == null || filter.matches(capability.getAttributes())) {
                    return true;
                }
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ configurations

    private Entry inspectConfiguration(Path file) {
        String name = file.getFileName().toString();
        if (configAdmin == null) {
            return new Entry(name, "config", true, "ConfigAdmin is not running, so the file cannot be applied.");
        }
        Configuration configuration = configurationFrom(file);
        if (configuration == null) {
            return new Entry(name, "config", true, "no configuration was created from it (is the file name"
                    + " PID.cfg or FACTORYPID-NAME.cfg, and is it readable?).");
        }
        String pid = configuration.getPid();
        String factoryPid = configuration.getFactoryPid();
        String target = factoryPid != null ? factoryPid : pid;
        if (scr == null) {
            return new Entry(name, "config", false, "configuration " + pid);
        }
        List<String> users = new ArrayList<>();
        List<String> problems = componentProblems(-1, target);
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs()) {
            if (List.of(description.configurationPid).contains(target)) {
                users.add(description.name);
            }
        }
        if (users.isEmpty()) {
            return new Entry(name, "config", true, "configuration " + pid + ", but no component uses PID '" + target
                    + "' (a typo in the file name?).");
        }
        if (!problems.isEmpty()) {
            return new Entry(name, "config", true, "configuration " + pid + ": " + String.join("; ", problems));
        }
        return new Entry(name, "config", false, "configuration " + pid + " used by " + String.join(", ", users));
    }

    private Configuration configurationFrom(Path file) {
        try {
            Configuration[] configurations = configAdmin.listConfigurations(null);
            if (configurations == null) {
                return null;
            }
            Path target = real(file);
            for (Configuration configuration : configurations) {
                Object filename = configuration.getProperties() == null ? null
                        : configuration.getProperties().get(FILENAME_PROPERTY);
                if (filename == null) {
                    continue;
                }
                String text = filename.toString();
                Path path = text.startsWith("file:") ? Path.of(URI.create(text)) : Path.of(text);
                if (target.equals(real(path))) {
                    return configuration;
                }
            }
        } catch (IOException | InvalidSyntaxException | IllegalArgumentException e) {
            return null;
        }
        return null;
    }

    // ------------------------------------------------------------------ components

    /** Failed or unsatisfied components of a bundle (bundleId >= 0) or using a PID. */
    private List<String> componentProblems(long bundleId, String pid) {
        List<String> problems = new ArrayList<>();
        if (scr == null) {
            return problems;
        }
        Collection<ComponentDescriptionDTO> descriptions = scr.getComponentDescriptionDTOs();
        for (ComponentDescriptionDTO description : descriptions) {
            boolean mine = bundleId >= 0 ? description.bundle.id == bundleId
                    : List.of(description.configurationPid).contains(pid);
            if (!mine) {
                continue;
            }
            for (ComponentConfigurationDTO configuration : scr.getComponentConfigurationDTOs(description)) {
                switch (configuration.state) {
                    case ComponentConfigurationDTO.FAILED_ACTIVATION -> problems.add("component "
                            + description.name + " failed to activate: " + firstLine(configuration.failure));
                    case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> problems.add("component "
                            + description.name + " waits for " + unsatisfied(configuration));
                    default -> {
                    }
                }
            }
        }
        return problems;
    }

    private static String unsatisfied(ComponentConfigurationDTO configuration) {
        List<String> names = new ArrayList<>();
        for (var reference : configuration.unsatisfiedReferences) {
            names.add(reference.name + " " + reference.target);
        }
        return names.isEmpty() ? "a reference" : String.join(", ", names);
    }

    /** The root cause of a stack trace as DS reports it: the last "Caused by:" line, or the first line. */
    static String firstLine(String text) {
        if (text == null || text.isBlank()) {
            return "(no detail)";
        }
        String line = text.strip().lines().findFirst().orElse(text);
        for (String candidate : text.lines().toList()) {
            String trimmed = candidate.strip();
            if (trimmed.startsWith("Caused by: ")) {
                line = trimmed.substring("Caused by: ".length());
            }
        }
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    static String stateName(int state) {
        return switch (state) {
            case Bundle.INSTALLED -> "installed";
            case Bundle.RESOLVED -> "resolved";
            case Bundle.STARTING -> "starting";
            case Bundle.STOPPING -> "stopping";
            case Bundle.ACTIVE -> "active";
            case Bundle.UNINSTALLED -> "uninstalled";
            default -> "state " + state;
        };
    }
}
