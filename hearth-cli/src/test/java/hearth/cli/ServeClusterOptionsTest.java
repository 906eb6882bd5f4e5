package hearth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import hearth.server.backend.launch.EngineKeys;
import hearth.server.cluster.Profile;
import hearth.server.cluster.Settings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code hearth serve} with profiles, engine settings and {@code --dry-run}, parsed the way {@code hearth} does. */
class ServeClusterOptionsTest {
    static Path repo() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("mvnw")) && Files.isDirectory(d.resolve("deploy/profiles"))) return d;
        }
        throw new IllegalStateException("not inside the repository");
    }

    static final Map<String, String> PROFILES = Map.of("HEARTH_PROFILE_DIR", repo().resolve("deploy/profiles").toString());

    record Run(ServeCommand serve, int status, String out, String err) {}

    static Run run(Map<String, String> env, String... args) {
        CommandLine hearth = new CommandLine(new Main());
        ServeCommand.prepare(hearth, args, env, Map.of());
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int status;
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            status = hearth.execute(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return new Run((ServeCommand) hearth.getSubcommands().get("serve").getCommand(), status, o.toString(StandardCharsets.UTF_8),
                e.toString(StandardCharsets.UTF_8));
    }

    static ServeCommand parse(Map<String, String> env, String... serveArgs) {
        String[] args = new String[serveArgs.length + 1];
        args[0] = "serve";
        System.arraycopy(serveArgs, 0, args, 1, serveArgs.length);
        CommandLine hearth = new CommandLine(new Main());
        ServeCommand.prepare(hearth, args, env, Map.of());
        hearth.parseArgs(args);
        return (ServeCommand) hearth.getSubcommands().get("serve").getCommand();
    }

    static Map<String, String> env(Map<String, String> more) {
        Map<String, String> m = new HashMap<>(PROFILES);
        m.putAll(more);
        return m;
    }

    @Test
    void aProfileSetsHearthsOwnOptionsUnderFlagsAndEnvironment() {
        ServeCommand c = parse(PROFILES, "--profile", "reasoning-rpc");
        assertThat(c.backendName).isEqualTo("llama-server");
        assertThat(c.port).isEqualTo(8081);
        assertThat(c.host).isEqualTo("0.0.0.0");
        assertThat(c.shutdownGrace).isEqualTo(15);
        assertThat(c.ctxSize).as("engine tuning goes to llama-server, not to Hearth's engine").isZero();
        assertThat(parse(env(Map.of("PORT", "9000")), "--profile", "reasoning-rpc").port).isEqualTo(9000);
        assertThat(parse(env(Map.of("PORT", "9000")), "--profile", "reasoning-rpc", "--port", "7").port).isEqualTo(7);
        assertThat(parse(env(Map.of("HEARTH_PROFILE", "glm46-vllm-4node")), "--mock").port).isEqualTo(8001);
    }

    @Test
    void anEmbeddedProfileTunesHearthsEngine(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("small.properties"), "backend = embedded\nctx-size = 1024\nparallel = 3\n");
        ServeCommand c = parse(Map.of(), "--profile", f.toString(), "--mock");
        assertThat(c.engineConfig().contextSize()).isEqualTo(1024);
        assertThat(c.engineConfig().parallel()).isEqualTo(3);
    }

    @Test
    void engineSettingsOnTheCommandLineJoinTheLayers() {
        ServeCommand c = parse(env(Map.of("MODEL_PATH", "/env/model.gguf")), "--profile", "glm5-llama", "--parallel", "4",
                "--mlock", "-ngl", "40", "--rpc-workers=slurm", "--tensor-split", "3,1", "--jinja", "false");
        Settings s = c.settings();
        assertThat(s.get("parallel")).contains("4");
        assertThat(s.get("mlock")).contains("true");
        assertThat(s.get("gpu-layers")).contains("40");
        assertThat(s.get("rpc-workers")).contains("slurm");
        assertThat(s.get("tensor-split")).contains("3,1");
        assertThat(s.bool("jinja", true)).isFalse();
        assertThat(s.get("model")).contains("/env/model.gguf");
        assertThat(s.get("ctx-size")).contains("16384");
        assertThat(s.lookup("ctx-size").orElseThrow().source()).isEqualTo(Settings.Source.PROFILE);
        assertThat(s.get("profile")).contains("glm5-llama");
    }

    @Test
    void theDryRunPrintsEachNodesCommandAndStartsNothing() {
        Run r = run(env(Map.of("SLURM_JOB_ID", "3001", "SLURM_JOB_NODELIST", "vasp-[01-03]", "SLURMD_NODENAME", "vasp-01",
                "SLURM_CPUS_PER_TASK", "40")), "serve", "--profile", "reasoning-rpc", "--dry-run", "--nvidia-smi", "/nonexistent/nvidia-smi");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("# hearth serve --profile reasoning-rpc: backend llama-server, API on http://0.0.0.0:8081 -> engine http://127.0.0.1:9081\n")
                .contains("# SLURM job 3001 on vasp-01, nodes vasp-01,vasp-02,vasp-03\n",
                        "srun --nodes=1 --ntasks=1 -w vasp-02 rpc-server -H 0.0.0.0 -p 50052\n",
                        "srun --nodes=1 --ntasks=1 -w vasp-03 rpc-server -H 0.0.0.0 -p 50052\n",
                        "--rpc vasp-02:50052,vasp-03:50052", "--tensor-split 26,27,27");
        assertThat(r.out().lines().filter(l -> l.startsWith("llama-server ")).toList()).hasSize(1);
    }

    @Test
    void theSglangDryRunPrintsEveryRanksCommandFromTheSlurmNodeList() {
        Run r = run(env(Map.of("SLURM_JOB_ID", "3002", "SLURM_JOB_NODELIST", "gh-[01-02]", "SLURMD_NODENAME", "gh-01", "HOME", "/home/ada")),
                "serve", "--profile", "glm46-sglang-2node", "--dry-run", "--nvidia-smi", "/nonexistent/nvidia-smi",
                "--tp", "2", "--dist-init-port", "29500");
        assertThat(r.status()).as(r.err()).isZero();
        String common = "python3 -m sglang.launch_server --model-path /home/ada/models/GLM-4.6 --served-model-name GLM-4.6 --host 127.0.0.1"
                + " --port 9001 --tp 2 --quantization fp8 --mem-fraction-static 0.85 --context-length 32768 --tool-call-parser glm45"
                + " --reasoning-parser glm45 --trust-remote-code --nnodes 2";
        assertThat(r.out()).startsWith("# hearth serve --profile glm46-sglang-2node: backend sglang, API on http://0.0.0.0:8001 -> engine http://127.0.0.1:9001\n")
                .contains("# sglang rank 1 on gh-02 (srun)\nsrun --nodes=1 --ntasks=1 -w gh-02 " + common + " --node-rank 1 --dist-init-addr gh-01:29500\n",
                        "# sglang on this node, ready when http://127.0.0.1:9001/health answers 200\n" + common
                                + " --node-rank 0 --dist-init-addr gh-01:29500\n");
    }

    @Test
    void mistakesEndWithStatus2AndAMessage() {
        Run unknownProfile = run(PROFILES, "serve", "--profile", "nope", "--dry-run");
        assertThat(unknownProfile.status()).isEqualTo(2);
        assertThat(unknownProfile.err()).contains("unknown profile 'nope'", "reasoning-rpc");
        Run typo = run(PROFILES, "serve", "--backend", "vllm", "--model", "m", "--tensor-paralel-size", "2", "--dry-run");
        assertThat(typo.status()).isEqualTo(2);
        assertThat(typo.err()).contains("unknown option '--tensor-paralel-size'");
        Run embedded = run(Map.of(), "serve", "--mock", "--tensor-parallel-size", "2", "--dry-run");
        assertThat(embedded.status()).isEqualTo(2);
        assertThat(embedded.err()).contains("--tensor-parallel-size is an engine setting");
        Run backend = run(Map.of(), "serve", "--backend", "tgi", "--dry-run");
        assertThat(backend.err()).contains("unknown backend 'tgi'");
    }

    @Test
    void everyProfileKeyIsAServeOptionOrAnEngineSetting() throws Exception {
        Set<String> options = new HashSet<>();
        for (CommandLine.Model.OptionSpec o : new CommandLine(new ServeCommand()).getCommandSpec().options()) {
            options.add(ProfileDefaults.key(o));
        }
        List<Path> dirs = List.of(repo().resolve("deploy/profiles"));
        for (String name : Profile.names(dirs)) {
            for (String key : Profile.load(name, dirs, Map.of()).settings().keySet()) {
                assertThat(options.contains(key) || EngineKeys.KNOWN.contains(key)).as(name + ": " + key).isTrue();
            }
        }
    }
}
