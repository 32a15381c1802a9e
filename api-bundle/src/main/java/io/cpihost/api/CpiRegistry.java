package io.cpihost.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The one way in: finds {@link CpiExtension} services by name and invokes their actions with
 * validation, read-only checks, deadlines, logging and statistics.
 *
 * <p>Implemented by CPI Host's registry bundle only; callers use it as an OSGi service.
 */
@ProviderType
public interface CpiRegistry {

    /**
     * Every published extension service, serving, shadowed or failed, sorted by name and then
     * service id.
     *
     * @return an immutable snapshot
     */
    List<ExtensionInfo> list();

    /**
     * What the registry knows of the extension serving under a name.
     *
     * @param name the extension name
     * @return its info, or empty when no extension serves under that name
     */
    Optional<ExtensionInfo> info(String name);

    /**
     * The extension serving under a name. Calling it directly skips validation, statistics and
     * the update handover; prefer {@link #invoke}.
     *
     * @param name the extension name
     * @return the extension, or empty when no extension serves under that name
     */
    Optional<CpiExtension> find(String name);

    /**
     * Invokes an action. Never throws for a problem of the call or the provider: every problem
     * is an error result ({@link CpiError#NOT_FOUND}, {@link CpiError#NOT_IMPLEMENTED},
     * {@link CpiError#INVALID_PARAMETER}, {@link CpiError#READ_ONLY}, {@link CpiError#TIMEOUT},
     * {@link CpiError#INTERNAL}, or the provider's own).
     *
     * @param name the extension name
     * @param action the action name
     * @param params the parameters by name; null means none
     * @param context the call context; null means {@link CallContext#empty()}. A request id is
     *        assigned when it has none.
     * @return the result, never null
     */
    ActionResult invoke(String name, String action, Map<String, Object> params, CallContext context);

    /**
     * Call statistics per extension and action.
     *
     * @return a snapshot, sorted by extension and action
     */
    List<ActionStats> statistics();
}
