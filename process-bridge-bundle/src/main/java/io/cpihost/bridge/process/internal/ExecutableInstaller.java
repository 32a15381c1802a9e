package io.cpihost.bridge.process.internal;

import java.io.File;
import java.time.Duration;

import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * FileInstall's installer for self-describing CPI executables dropped into the watched folder.
 *
 * <p>The only class that touches FileInstall's package, which the bundle imports optionally: as
 * a delayed component it is loaded only when FileInstall asks for the installer service, so the
 * bridge works without FileInstall.
 */
@Component(service = ArtifactInstaller.class, configurationPid = ExecutableInstaller.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = ExecutableInstaller.Config.class)
public final class ExecutableInstaller implements ArtifactInstaller {

    /** The configuration PID. */
    public static final String PID = "io.cpihost.bridge.process.installer";

    /** Settings of the installer. */
    @ObjectClassDefinition(id = PID, name = "CPI Host executable installer",
            description = "Publishes self-describing CPI executables dropped into FileInstall's folder.")
    public @interface Config {
        @AttributeDefinition(name = "Verbosity", min = "0",
                description = "When above 0, '--v N' is passed to the executables.")
        int verbosity() default 0;

        @AttributeDefinition(name = "Probe timeout", min = "1",
                description = "Milliseconds an executable may take to answer get-capabilities.")
        long probeTimeoutMillis() default 5000;
    }

    private final ExecutableInstances instances;

    /**
     * @param context the bundle context, to publish the instances
     * @param config the settings
     */
    @Activate
    public ExecutableInstaller(BundleContext context, Config config) {
        this.instances = new ExecutableInstances(new BundlePublisher(context),
                Duration.ofMillis(Math.max(1, config.probeTimeoutMillis())), Math.max(0, config.verbosity()));
    }

    @Override
    public boolean canHandle(File artifact) {
        return ArtifactRules.canHandle(artifact.toPath());
    }

    @Override
    public void install(File artifact) {
        instances.install(artifact.toPath());
    }

    @Override
    public void update(File artifact) {
        instances.install(artifact.toPath());
    }

    @Override
    public void uninstall(File artifact) {
        instances.uninstall(artifact.toPath());
    }

    @Deactivate
    void deactivate() {
        instances.close();
    }
}
