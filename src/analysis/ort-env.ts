// Turns onnxruntime's telemetry off before onnxruntime-node loads: ORT 1.30 on Linux otherwise sends usage
// events to mobile.events.data.microsoft.com (seen by test/cli.test.ts's network check). Must be imported in
// the main thread before any worker starts: a worker's process.env is a copy that native code does not see.
process.env.ORT_DISABLE_TELEMETRY = '1';
