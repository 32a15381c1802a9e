package io.cpihost.registry.shell;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.component.runtime.ServiceComponentRuntime;

import io.cpihost.api.CpiRegistry;

/** The {@code cpi:deployments} command: what became of every file of the watched folder. */
@Component(service = DeploymentCommands.class, property = {
    "osgi.command.scope=cpi",
    "osgi.command.function=deployments"
})
public final class DeploymentCommands {

    private final BundleContext context;
    private final CpiRegistry registry;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ServiceComponentRuntime scr;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ConfigurationAdmin configAdmin;

    /**
     * Creates the command.
     *
     * @param context the bundle context
     * @param registry the registry, for the state of extensions loaded from files
     */
    @Activate
    public DeploymentCommands(BundleContext context, @Reference CpiRegistry registry) {
        this.context = context;
        this.registry = registry;
    }

    /**
     * Lists the watched folder's files with what became of them.
     *
     * @param all whether to list files without problems too
     * @return the table
     * @throws IOException when the folder cannot be read
     */
    @Descriptor("Show the deployment problems of the watched folder: corrupt jars, bundles that do not resolve or"
            + " start, components that fail to activate, configurations nothing uses. -a lists every file")
    public String deployments(
            @Descriptor("list every file, not only problems")
            @org.apache.felix.service.command.Parameter(names = {"-a", "--all"}, presentValue = "true",
                    absentValue = "false") boolean all) throws IOException {
        DeploymentInspector inspector = new DeploymentInspector(context, registry, scr, configAdmin);
        Path folder = inspector.watchedFolder();
        if (folder == null) {
            return "No watched folder: FileInstall is not configured (felix.fileinstall.dir is not set).";
        }
        if (!Files.isDirectory(folder)) {
            return "The watched folder " + folder + " does not exist.";
        }
        List<DeploymentInspector.Entry> entries = inspector.inspect(folder);
        Table table = new Table("FILE", "KIND", "STATUS");
        long problems = 0;
        for (DeploymentInspector.Entry entry : entries) {
            if (entry.problem()) {
                problems++;
            }
            if (all || entry.problem()) {
                table.row(entry.file(), entry.kind(), (entry.problem() ? "PROBLEM " : "ok ") + entry.status());
            }
        }
        String header = "Watched folder " + folder + ": " + entries.size() + " files, " + problems + " with problems.";
        boolean anyRow = problems > 0 || (all && !entries.isEmpty());
        return anyRow ? header + "\n" + table.render() : header;
    }
}
