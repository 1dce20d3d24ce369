/** Entry point of image-reflector-controller. Its reconcilers arrive with their own issues; until then it says so and exits non-zero. */
export const controllerName = "image-reflector-controller";

export async function main(argv: string[]): Promise<number> {
  if (argv.includes("--version")) {
    process.stdout.write(`${controllerName} 0.1.0\n`);
    return 0;
  }
  process.stderr.write(`${controllerName}: no reconcilers yet (see the project's issues)\n`);
  return 1;
}
