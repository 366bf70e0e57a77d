// A container run from an image by crun, an OCI runtime: the runtime configuration the kubelet's
// container runtime would give it (from umoci's, which carries the image's defaults), and crun's
// command line. The process joins the pod's network namespace (or the host's) from outside.
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { expandReferences } from './container-env.ts';
import type { ContainerMount } from './mount-script.ts';
import type { ImageConfig } from './oci-images.ts';

const capabilitySets = ['bounding', 'effective', 'inheritable', 'permitted', 'ambient'] as const;

export interface RuntimeSpec {
  process: {
    terminal?: boolean;
    user: { uid: number; gid: number };
    args: string[];
    env: string[];
    cwd: string;
    noNewPrivileges?: boolean;
    capabilities?: Partial<Record<(typeof capabilitySets)[number], string[]>>;
    [field: string]: unknown;
  };
  root: { path: string; readonly?: boolean };
  hostname?: string;
  mounts: Array<{ destination: string; type: string; source: string; options: string[] }>;
  linux: { namespaces: Array<{ type: string }>; [field: string]: unknown };
  [field: string]: unknown;
}

export interface RuntimeInputs {
  // umoci's configuration for the image's bundle.
  base: RuntimeSpec;
  rootfs: string;
  image: ImageConfig;
  pod: V1Pod;
  container: V1Container;
  // The container's environment as the kubelet builds it (envFrom, env, HOSTNAME).
  env: Record<string, string>;
  mounts: ContainerMount[];
  hostname: string;
}

// As Kubernetes runs an image: command replaces the entrypoint (and drops the image's Cmd), args
// replace Cmd; $(NAME) references expand from the container's environment.
export function imageCommand(
  image: ImageConfig,
  container: V1Container,
  env: Record<string, string>,
): string[] {
  const expand = (part: string) => expandReferences(part, env);
  const entrypoint = container.command ? container.command.map(expand) : (image.Entrypoint ?? []);
  const args = container.args ? container.args.map(expand) : container.command ? [] : (image.Cmd ?? []);
  const command = [...entrypoint, ...args];
  if (command.length === 0) {
    throw new Error(`container ${container.name}: neither it nor its image has a command`);
  }
  return command;
}

function imageUser(image: ImageConfig): { uid: number | undefined; gid: number | undefined } {
  if (!image.User) return { uid: 0, gid: 0 };
  const match = /^(\d+)(?::(\d+))?$/.exec(image.User);
  if (!match) return { uid: undefined, gid: undefined };
  return { uid: Number(match[1]), gid: match[2] === undefined ? undefined : Number(match[2]) };
}

export function runtimeSpec(inputs: RuntimeInputs): RuntimeSpec {
  const { base, image, pod, container } = inputs;
  const podSecurity = pod.spec?.securityContext;
  const security = container.securityContext;
  const fromImage = imageUser(image);
  const uid = security?.runAsUser ?? podSecurity?.runAsUser ?? fromImage.uid;
  const gid = security?.runAsGroup ?? podSecurity?.runAsGroup ?? fromImage.gid ?? 0;
  if (uid === undefined) {
    throw new Error(
      `container ${container.name}: the image's user ${image.User} is not numeric; set runAsUser`,
    );
  }
  if ((security?.runAsNonRoot ?? podSecurity?.runAsNonRoot) && uid === 0) {
    throw new Error(`container ${container.name}: runAsNonRoot, but it would run as uid 0`);
  }
  // One unpacked file system serves every container of the image: none may write to it.
  if (security?.readOnlyRootFilesystem !== true) {
    throw new Error(
      `container ${container.name}: the pod runner runs images with readOnlyRootFilesystem: true only`,
    );
  }
  // The container's variables win over the image's of the same name.
  const imageEnv = (image.Env ?? []).filter(
    (variable) => !Object.hasOwn(inputs.env, variable.slice(0, variable.indexOf('='))),
  );
  const dropsAll = security?.capabilities?.drop?.includes('ALL') ?? false;
  const capabilities = dropsAll
    ? Object.fromEntries(capabilitySets.map((set) => [set, []]))
    : base.process.capabilities;
  return {
    ...base,
    process: {
      ...base.process,
      terminal: false,
      user: { uid, gid },
      args: imageCommand(image, container, inputs.env),
      env: [...imageEnv, ...Object.entries(inputs.env).map(([key, value]) => `${key}=${value}`)],
      cwd: container.workingDir ?? image.WorkingDir ?? '/',
      noNewPrivileges: security?.allowPrivilegeEscalation === false ? true : base.process.noNewPrivileges,
      ...(capabilities ? { capabilities } : {}),
    },
    root: { path: inputs.rootfs, readonly: true },
    hostname: inputs.hostname,
    mounts: [
      ...base.mounts,
      ...inputs.mounts.map((mount) => ({
        destination: mount.target,
        type: 'bind',
        source: mount.source,
        options: ['rbind', mount.readOnly ? 'ro' : 'rw'],
      })),
    ],
    linux: {
      ...base.linux,
      // The network namespace is joined from outside; the process group, as the runner's other
      // containers, stays in the runner's PID namespace so stopping it reaches every process.
      namespaces: base.linux.namespaces.filter((n) => n.type !== 'network' && n.type !== 'pid'),
    },
  };
}

// crun refuses a hybrid cgroup layout (v1 controllers plus a v2 hierarchy that has controllers), as
// this machine has. The runner sets no resource limits, so crun runs without cgroups, in a mount
// namespace of its own where the v2 hierarchy is unmounted. Arguments: the bundle directory, the id.
export function crunCommand(bundle: string, id: string): string[] {
  const script = [
    'if mountpoint -q /sys/fs/cgroup/unified; then umount /sys/fs/cgroup/unified; fi',
    'exec crun --cgroup-manager=disabled run --bundle "$0" "$1"',
  ].join('\n');
  return ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', script, bundle, id];
}
