{
  # Hearth on machines without root (HPC login/compute nodes via nixsa, workstations):
  #   nix run ./deploy/nix#tailscale-up      join the tailnet in userspace mode (TS_AUTHKEY from env or .env):
  #                                          `hearth tailscale up`; deploy/tailscale/up.sh does the same without a JVM
  #   nix run ./deploy/nix#serve -- --profile glm5-llama
  #   nix run ./deploy/nix#health -- http://hpc-glm5:8080
  #   nix run ./deploy/nix#tailscale-down    (and #tailscale-status)
  #   nix develop ./deploy/nix               JDK 25, Maven, Tailscale, shellcheck; hearth-* commands on PATH
  # The apps run the checkout they are started in (or $HEARTH_HOME): ./hearth builds its jar with the Maven
  # wrapper on first use, so the first start needs network access to Maven Central; later ones do not.
  # flake.lock pins nixpkgs (nixos-unstable of 2026-02-17, with JDK 25 and Tailscale); `nix flake update` moves it.
  description = "Hearth: self-hosted LLM server with SLURM, Tailscale and health commands";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    flake-utils.url = "github:numtide/flake-utils";
  };

  outputs = { self, nixpkgs, flake-utils }:
    flake-utils.lib.eachSystem [ "x86_64-linux" "aarch64-linux" ] (system:
      let
        pkgs = import nixpkgs { inherit system; };
        jdk = pkgs.jdk25_headless or pkgs.jdk25;
        runtime = [ jdk pkgs.tailscale pkgs.curl pkgs.coreutils pkgs.procps pkgs.gnugrep pkgs.gnused pkgs.git pkgs.hostname ];

        # a command that runs `rel` (a path in the checkout) with fixed leading arguments and the runtime on PATH
        inCheckout = name: rel: args: pkgs.writeShellApplication {
          inherit name;
          runtimeInputs = runtime;
          text = ''
            root=''${HEARTH_HOME:-$(git rev-parse --show-toplevel 2>/dev/null || pwd)}
            if [ ! -x "$root/${rel}" ]; then
              echo "${name}: no $root/${rel}; run it inside the Hearth checkout or set HEARTH_HOME" >&2
              exit 1
            fi
            cd "$root"
            export JAVA_HOME=${jdk}
            exec "$root/${rel}" ${args} "$@"
          '';
        };

        serve = inCheckout "hearth-serve" "hearth" "serve";
        health = inCheckout "hearth-health" "hearth" "health";
        tailscaleUp = inCheckout "hearth-tailscale-up" "hearth" "tailscale up";
        tailscaleDown = inCheckout "hearth-tailscale-down" "hearth" "tailscale down";
        tailscaleStatus = inCheckout "hearth-tailscale-status" "hearth" "tailscale status";

        app = drv: name: { type = "app"; program = "${drv}/bin/${name}"; };
      in
      {
        packages = {
          inherit serve health;
          tailscale-up = tailscaleUp;
          tailscale-down = tailscaleDown;
          tailscale-status = tailscaleStatus;
          default = serve;
        };

        apps = {
          serve = app serve "hearth-serve";
          health = app health "hearth-health";
          tailscale-up = app tailscaleUp "hearth-tailscale-up";
          tailscale-down = app tailscaleDown "hearth-tailscale-down";
          tailscale-status = app tailscaleStatus "hearth-tailscale-status";
          default = app serve "hearth-serve";
        };

        devShells.default = pkgs.mkShell {
          packages = runtime ++ [ pkgs.maven pkgs.shellcheck serve health tailscaleUp tailscaleDown tailscaleStatus ];
          shellHook = ''
            export JAVA_HOME=${jdk}
            echo "hearth: hearth-serve, hearth-health, hearth-tailscale-up, hearth-tailscale-down, hearth-tailscale-status" >&2
          '';
        };
      });
}
