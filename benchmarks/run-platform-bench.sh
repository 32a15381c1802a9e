#!/bin/sh
# Builds what the whole-platform benchmark needs, then runs it:
#   benchmarks/run-platform-bench.sh [all|launch|drop|update]   (default: all; about 1 minute)
# Counts: JAVA_OPTS="-Dlaunches=5 -Ddrops=20 -Dupdates=100"; scratch files go to benchmarks/target/.
set -e
cd "$(dirname "$0")/.."
if grep -q '<module>benchmarks</module>' pom.xml; then
    mvn -B -q package -DskipTests -pl benchmarks,run,test-bundles/versioned -am
else
    # not in the reactor yet: build the modules into ~/.m2, then this one on its own
    mvn -B -q install -DskipTests -pl api-bundle,registry-bundle,native-bridge-bundle,process-bridge-bundle,run,test-bundles/versioned -am
    mvn -B -q -f benchmarks/pom.xml package -DskipTests
fi
# shellcheck disable=SC2086
exec java $JAVA_OPTS -cp benchmarks/target/benchmarks.jar io.cpihost.benchmarks.PlatformBench "$@"
