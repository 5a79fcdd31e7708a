// `deno task bench`: every benchmark of the project, each running our code and a peer on
// the same input in the same run and printing the ratio.
await import("./lasso_path.ts");
await import("./movie_io.ts");
await import("./train_step.ts");
await import("./torch_step.ts");
await import("./var_select.ts");
await import("./encode.ts");
await import("./dashboard.ts");
await import("./fit_defaults.ts");
await import("./maps.ts");
await import("./study.ts");
await import("./conv2d_backprop_input.ts");
