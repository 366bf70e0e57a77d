// Images the runner can run containers from: OCI image layouts by repository (`--image
// kafka-actor-operator=<layout>`; npm run image builds one). A container whose image names a known
// repository runs that image's file system, unpacked once per manifest digest by umoci; any other
// container runs on this machine's file system with its own command.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ImageReference {
  repository: string;
  tag: string | undefined;
  digest: string | undefined;
}

// repository[:tag][@digest]; a colon after the last slash starts the tag (registry ports come before).
export function parseImageReference(image: string): ImageReference {
  const at = image.indexOf('@');
  const name = at < 0 ? image : image.slice(0, at);
  const digest = at < 0 ? undefined : image.slice(at + 1);
  const colon = name.lastIndexOf(':');
  const tagged = colon > name.lastIndexOf('/');
  return {
    repository: tagged ? name.slice(0, colon) : name,
    tag: tagged ? name.slice(colon + 1) : undefined,
    digest,
  };
}

export interface LayoutIndex {
  manifests: Array<{ digest: string; annotations?: Record<string, string> }>;
}

const refName = 'org.opencontainers.image.ref.name';

// The layout's manifest a reference names, with a tag umoci can unpack it by: by digest when the
// reference has one, else by tag (latest when none).
export function resolveManifest(
  index: LayoutIndex,
  reference: ImageReference,
): { digest: string; tag: string } {
  const image = `${reference.repository}${reference.tag ? `:${reference.tag}` : ''}${reference.digest ? `@${reference.digest}` : ''}`;
  const wanted = reference.digest
    ? index.manifests.find((m) => m.digest === reference.digest)
    : index.manifests.find((m) => m.annotations?.[refName] === (reference.tag ?? 'latest'));
  const tag = wanted?.annotations?.[refName];
  if (!wanted || !tag) throw new Error(`image ${image} is not in the OCI layout of ${reference.repository}`);
  return { digest: wanted.digest, tag };
}

// The image configuration fields a container runs by.
export interface ImageConfig {
  Entrypoint?: string[];
  Cmd?: string[];
  Env?: string[];
  WorkingDir?: string;
  User?: string;
}

export interface UnpackedImage {
  digest: string;
  // umoci's bundle: rootfs/ and the runtime configuration it made from the image's, config.json.
  bundle: string;
  config: ImageConfig;
}

export class OciImages {
  readonly #layouts: ReadonlyMap<string, string>;
  readonly #directory: string;
  readonly #unpacked = new Map<string, Promise<UnpackedImage>>();

  constructor(layouts: ReadonlyMap<string, string>, directory: string) {
    this.#layouts = layouts;
    this.#directory = directory;
  }

  // undefined: the image is none of the runner's; throws when its layout lacks the tag or digest.
  async find(image: string): Promise<UnpackedImage | undefined> {
    const reference = parseImageReference(image);
    const layout = this.#layouts.get(reference.repository);
    if (!layout) return undefined;
    const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as LayoutIndex;
    const { digest, tag } = resolveManifest(index, reference);
    let unpacked = this.#unpacked.get(digest);
    if (!unpacked) {
      unpacked = this.#unpack(layout, digest, tag);
      this.#unpacked.set(digest, unpacked);
      unpacked.catch(() => this.#unpacked.delete(digest));
    }
    return unpacked;
  }

  async #unpack(layout: string, digest: string, tag: string): Promise<UnpackedImage> {
    const bundle = join(this.#directory, digest.replace(':', '-'));
    // A digest names the same files forever: a bundle a previous run finished is reused.
    if (!existsSync(join(bundle, 'config.json'))) {
      const partial = `${bundle}.partial`;
      await rm(partial, { recursive: true, force: true });
      await run('umoci', ['unpack', '--image', `${layout}:${tag}`, partial]);
      await rename(partial, bundle);
    }
    const manifest = JSON.parse(await readFile(blob(layout, digest), 'utf8')) as {
      config: { digest: string };
    };
    const config = JSON.parse(await readFile(blob(layout, manifest.config.digest), 'utf8')) as {
      config?: ImageConfig;
    };
    return { digest, bundle, config: config.config ?? {} };
  }
}

function blob(layout: string, digest: string): string {
  const [algorithm = '', hex = ''] = digest.split(':');
  return join(layout, 'blobs', algorithm, hex);
}
