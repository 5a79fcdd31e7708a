// `sparsedyn serve` argument handling (the server itself is tested in app_test.ts).
import { serve } from "../../cli/serve.ts";
import { UsageError } from "../../cli/_flags.ts";
import { SparsedynError } from "../../core/errors.ts";
import { assert, assertRejects } from "../_helpers/assert.ts";

Deno.test("sparsedyn serve: usage errors name the flag; a missing root is an IO error naming it", async () => {
  for (
    const [argv, flag] of [
      [["--port", "x"], "--port"],
      [["--port", "70000"], "--port"],
      [["--host", ""], "--host"],
      [["--nope"], "--nope"],
    ] as [string[], string][]
  ) {
    const err = await assertRejects(() => serve.run(argv), UsageError);
    assert(err.argument === flag && err.message.includes(flag), `${argv}: ${err.message}`);
  }
  await assertRejects(() => serve.run(["a", "b"]), UsageError);
  const err = await assertRejects(
    () => serve.run(["/no/such/runs-root", "--port", "0"]),
    SparsedynError,
  );
  assert(err.code === "IO" && err.message.includes("/no/such/runs-root"), err.message);
});
