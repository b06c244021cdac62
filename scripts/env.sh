# Sourced by the scripts: where the repository is, the JVM flags every Tessera process needs, and the
# class path of the built launcher.
TESSERA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$HOME/.djl.ai}"
# libtorch keeps its OpenMP thread count per thread; OMP_NUM_THREADS sets it for every thread at once.
if [[ -n ${TESSERA_THREADS:-} && -z ${OMP_NUM_THREADS:-} ]]; then export OMP_NUM_THREADS=$TESSERA_THREADS; fi
# Hazelcast 5.3 on JDK 17 (serving spec 4.4); DJL never downloads at run time.
TESSERA_JVM_FLAGS=(--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/java.nio=ALL-UNNAMED
  --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.management/sun.management=ALL-UNNAMED
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED -Dai.djl.offline=true)
TESSERA_CLASSPATH_FILE="$TESSERA_ROOT/web/target/classpath.txt"

# Builds the modules (no tests) when the launcher was never built or a source is newer than the build.
tessera_build_if_needed() {
  local stale=""
  if [[ ! -f $TESSERA_CLASSPATH_FILE ]]; then
    stale="first build"
  elif [[ -n $(find "$TESSERA_ROOT" -path "$TESSERA_ROOT/.git" -prune -o \( -path '*/src/main/*' -o -name pom.xml \) \
        -newer "$TESSERA_CLASSPATH_FILE" -print -quit 2>/dev/null) ]]; then
    stale="sources changed"
  fi
  if [[ -n $stale ]]; then
    echo "tessera: building ($stale; about a minute) ..." >&2
    (cd "$TESSERA_ROOT" && mvn -B -q -DskipTests package) >&2
    # Maven leaves classpath.txt untouched when its content is unchanged; mark this build as the newest.
    touch "$TESSERA_CLASSPATH_FILE"
  fi
}
