// MobileViTv2 in the browser: MediaPipe Tasks' ImageClassifier runs the exported LiteRT model (its
// metadata gives labels and normalisation), on the live camera or on a picked picture.
// Everything is served by `mv2 serve-demo` from localhost: the page, the model and MediaPipe's wasm.
import { FilesetResolver, ImageClassifier } from "./vendor/tasks-vision/vision_bundle.mjs";

const MAX_RESULTS = 5;
const elements = Object.fromEntries(
  ["status", "camera", "still", "camera-message", "results", "latency", "start-camera", "file", "model-info"]
    .map((id) => [id, document.getElementById(id)]),
);

// What the page shows, in one place: read by people through the DOM and by the browser test.
const demo = { state: "loading", top: [], frames: 0, latencyMs: null, error: null };
window.demo = demo;

let classifier = null;
let runningMode = "VIDEO";
let lastVideoTime = -1;
const recentLatencies = [];

function setStatus(text) {
  elements.status.textContent = text;
}

function showCameraMessage(text) {
  elements["camera-message"].textContent = text;
  elements["camera-message"].hidden = false;
  elements.camera.hidden = true;
}

function render(result, milliseconds) {
  const categories = result.classifications[0]?.categories ?? [];
  demo.top = categories.map((c) => ({ label: c.displayName || c.categoryName, index: c.index, score: c.score }));
  elements.results.replaceChildren(
    ...demo.top.map(({ label, score }) => {
      const item = document.createElement("li");
      item.textContent = `${label} ${(100 * score).toFixed(1)}%`;
      return item;
    }),
  );
  recentLatencies.push(milliseconds);
  if (recentLatencies.length > 30) recentLatencies.shift();
  const median = [...recentLatencies].sort((a, b) => a - b)[Math.floor(recentLatencies.length / 2)];
  demo.latencyMs = median;
  elements.latency.textContent = `${median.toFixed(1)} ms / frame (median of ${recentLatencies.length})`;
}

async function useMode(mode) {
  if (runningMode !== mode) {
    await classifier.setOptions({ runningMode: mode });
    runningMode = mode;
  }
}

function cameraErrorText(error) {
  switch (error?.name) {
    case "NotAllowedError":
    case "SecurityError":
      return "Camera access was denied. Allow the camera for this page in the browser's site settings, " +
        "or classify a picture with the button below.";
    case "NotFoundError":
    case "OverconstrainedError":
      return "No camera was found. Connect one, or classify a picture with the button below.";
    case "NotReadableError":
      return "The camera is busy in another application. Close it there, or classify a picture below.";
    default:
      return `The camera could not be opened (${error?.name ?? "unknown error"}). Classify a picture below.`;
  }
}

async function startCamera() {
  if (!navigator.mediaDevices?.getUserMedia) {
    demo.state = "no-camera";
    showCameraMessage("This browser offers no camera here (it needs https or localhost). Classify a picture below.");
    return;
  }
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    elements.camera.srcObject = stream;
    elements.camera.hidden = false;
    elements.still.hidden = true;
    elements["camera-message"].hidden = true;
    await elements.camera.play();
    await useMode("VIDEO");
    demo.state = "camera";
    setStatus("Live: pointing the camera at something shows MobileViTv2's top-5.");
    requestAnimationFrame(classifyFrame);
  } catch (error) {
    demo.state = error?.name === "NotAllowedError" || error?.name === "SecurityError" ? "denied" : "no-camera";
    showCameraMessage(cameraErrorText(error));
    setStatus("Camera unavailable: the picture button still works.");
  }
}

function classifyFrame() {
  if (demo.state !== "camera") return;
  const video = elements.camera;
  if (video.readyState >= 2 && video.currentTime !== lastVideoTime) {
    lastVideoTime = video.currentTime;
    const start = performance.now();
    const result = classifier.classifyForVideo(video, start);
    render(result, performance.now() - start);
    demo.frames += 1;
  }
  requestAnimationFrame(classifyFrame);
}

async function classifyPicture(file) {
  const still = elements.still;
  const url = URL.createObjectURL(file);
  try {
    still.src = url;
    await still.decode();
  } catch {
    setStatus(`${file.name} is not an image this browser can read.`);
    return;
  } finally {
    URL.revokeObjectURL(url);
  }
  demo.state = "still";
  const stream = elements.camera.srcObject;
  stream?.getTracks().forEach((track) => track.stop());
  elements.camera.hidden = true;
  elements["camera-message"].hidden = true;
  still.hidden = false;
  await useMode("IMAGE");
  const start = performance.now();
  const result = classifier.classify(still);
  render(result, performance.now() - start);
  setStatus(`${file.name}: top-${MAX_RESULTS}`);
}

async function main() {
  try {
    const vision = await FilesetResolver.forVisionTasks("./vendor/tasks-vision/wasm");
    classifier = await ImageClassifier.createFromOptions(vision, {
      baseOptions: { modelAssetPath: "./model.tflite", delegate: "CPU" },
      runningMode,
      maxResults: MAX_RESULTS,
    });
  } catch (error) {
    demo.state = "error";
    demo.error = String(error);
    setStatus(`The model could not be loaded: ${error}`);
    return;
  }
  try {
    const info = await (await fetch("./model-info.json")).json();
    elements["model-info"].textContent = `Model: ${info.name} (${info.input_size.join("x")} input, ` +
      `${info.classes} classes, ${(info.size_bytes / 1e6).toFixed(1)} MB)`;
  } catch {
    elements["model-info"].textContent = "";
  }
  elements.file.addEventListener("change", () => elements.file.files[0] && classifyPicture(elements.file.files[0]));
  elements["start-camera"].addEventListener("click", startCamera);
  setStatus("Model ready. Opening the camera…");
  await startCamera();
}

main();
