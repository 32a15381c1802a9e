#!/bin/sh
# Builds what the whole-platform benchmark needs, then runs it:
#   benchmarks/run-platform-bench.sh [all|launch|drop|update]   (default: all; about 1 minute)
# Counts: JAVA_OPTS="-Dlaunches=5 -Ddrops=20 -Dupdates=100"; scratch files go to benchmarks/target/.
set -e
cd "$(dirname "$0")/.."
mvn -B -q package -DskipTests -pl benchmarks,run,test-bundles/versioned -am
# shellcheck disable=SC2086
exec java $JAVA_OPTS -cp benchmarks/target/benchmarks.jar io.cpihost.benchmarks.PlatformBench "$@"
