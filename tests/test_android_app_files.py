"""The Android app's Kotlin, build and resource files, checked here where Gradle and the Android SDK cannot run.

Google's Maven repository is out of reach on these machines, so Gradle never builds the app here. Instead
every Kotlin file of the app is compiled, with core/, by the npm Kotlin compiler and the Compose compiler
plugin it ships, against signature stubs of the libraries the app calls (android_app/stubs, each declaration
checked against the library's source or API file at the pinned version): a misspelt call, a wrong parameter
type or nullability or a missing import fails here. The other checks catch what would stop a build before
anyone gets that far (an XML file that does not parse, a manifest without the camera permission or
launcher), keep android_app/README.md's pinned versions true to the version catalog and the wrapper, and run
export_models.sh against a stand-in `mv2` to check its contract.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

APP = ROOT / "android_app"
ANDROID = "{http://schemas.android.com/apk/res/android}"
TOOLS = "{http://schemas.android.com/tools}"
KOTLIN_HOME = APP / "tools" / "node_modules" / "kotlin-compiler"
# What the app uses besides the stubs: kotlinx.coroutines (StateFlow), shipped with the Kotlin compiler, and
# Guava's ListenableFuture (CameraX's provider future), from Debian's libguava-java.
LIBRARIES = [KOTLIN_HOME / "lib" / "kotlinx-coroutines-core-jvm.jar", Path("/usr/share/java/guava.jar")]
# LiteRT 2.3.0 is built with rules_kotlin v2.3.20 (LiteRT's WORKSPACE), whose default compiler is Kotlin
# 2.3.20: an older Kotlin compiler cannot be relied on to read its class metadata.
LITERT_KOTLIN = (2, 3, 20)


def compile_app(app_sources: Path, out: Path) -> subprocess.CompletedProcess:
    """kotlinc with the Compose compiler plugin over the app's Kotlin, core/ and the stubs (one source root per
    stub library, so that its Java stubs resolve by package)."""
    kotlinc = KOTLIN_HOME / "bin" / "kotlinc"
    assert kotlinc.is_file(), "run scripts/setup_env.sh test (installs android_app/tools)"
    plugin = KOTLIN_HOME / "lib" / "compose-compiler-plugin.jar"
    assert plugin.is_file(), "the npm Kotlin compiler ships the Compose compiler plugin"
    missing = [str(p) for p in LIBRARIES if not p.is_file()]
    assert not missing, f"run scripts/setup_env.sh test (libguava-java): {missing}"
    stubs = sorted(p for p in (APP / "stubs").iterdir() if p.is_dir())
    return subprocess.run(
        [str(kotlinc), f"-Xplugin={plugin}", "-jvm-target", "17", "-cp", ":".join(map(str, LIBRARIES)),
         str(app_sources), str(APP / "core" / "src" / "main" / "kotlin"), *map(str, stubs), "-d", str(out)],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip


def test_the_app_compiles_against_the_library_stubs(tmp_path):
    result = compile_app(APP / "app" / "src" / "main" / "kotlin", tmp_path / "classes")
    assert result.returncode == 0, result.stderr[-4000:]
    assert "warning:" not in result.stderr, result.stderr[-4000:]
    classes = tmp_path / "classes" / "dev" / "kerasmv2" / "camera"
    for name in ("MainActivity", "CameraScreenKt", "ClassifierViewModel", "FrameAnalyzer", "LiteRtEngineFactory"):
        assert (classes / f"{name}.class").is_file(), name
    # Written by the Compose plugin's lowering: it ran on the app's composables, not only its call checks.
    assert (classes / "ComposableSingletons$CameraScreenKt.class").is_file()


# A misspelt LiteRT and CameraX call, a wrong parameter type, a null for a non-null parameter, a missing
# import and a composable called from a plain lambda: each must fail the compilation, with its own error.
BREAKAGES = {
    "LiteRtEngine.kt": [
        ("model.createOutputBuffers()", "model.createOutputBufers()", "unresolved reference 'createOutputBufers'"),
        ("CpuOptions(numThreads = it)", "CpuOptions(numThreads = it.toLong())", "argument type mismatch"),
    ],
    "CameraScreen.kt": [
        ("analysis.clearAnalyzer()", "analysis.clearAnalyser()", "unresolved reference 'clearAnalyser'"),
        ("CameraSelector.DEFAULT_BACK_CAMERA,", "null,", "null cannot be a value of a non-null type"),
        ("onClick = { showSettings = true }", 'onClick = { Text("x") }', "@Composable invocations can only happen"),
    ],
    "FrameAnalyzer.kt": [("import androidx.camera.core.ImageProxy\n", "", "unresolved reference 'ImageProxy'")],
}


def test_a_wrong_call_in_the_app_fails_the_compilation(tmp_path):
    sources = tmp_path / "kotlin"
    shutil.copytree(APP / "app" / "src" / "main" / "kotlin", sources)
    package = sources / "dev" / "kerasmv2" / "camera"
    for name, edits in BREAKAGES.items():
        text = (package / name).read_text()
        for old, new, _ in edits:
            assert text.count(old) == 1, (name, old)
            text = text.replace(old, new)
        (package / name).write_text(text)
    result = compile_app(sources, tmp_path / "classes")
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    for name, edits in BREAKAGES.items():
        for _, _, message in edits:
            assert any(name in line and message in line for line in errors), (name, message, errors)


def xml_files(app: Path = APP) -> list[Path]:
    skip = {"node_modules", "build", ".gradle"}
    return sorted(p for p in app.rglob("*.xml") if not skip & set(p.relative_to(app).parts))


def test_every_xml_file_parses():
    files = xml_files()
    assert APP / "app/src/main/AndroidManifest.xml" in files and len(files) >= 3
    for path in files:
        try:
            ET.parse(path)
        except ET.ParseError as error:
            pytest.fail(f"{path.relative_to(ROOT)}: {error}")


def test_manifest_declares_what_the_app_needs(app: Path = APP):
    manifest = ET.parse(app / "app/src/main/AndroidManifest.xml").getroot()
    permissions = {
        p.get(f"{ANDROID}name"): p.get(f"{TOOLS}node") for p in manifest.findall("uses-permission")
    }  # fmt: skip
    assert permissions.get("android.permission.CAMERA", "missing") is None, "CAMERA must be requested, not removed"
    # LiteRT's own manifest asks for these (AI Pack downloads); this app downloads nothing.
    for unused in ("android.permission.FOREGROUND_SERVICE", "android.permission.FOREGROUND_SERVICE_DATA_SYNC"):
        assert permissions.get(unused) == "remove", unused
    launchers = [
        activity
        for activity in manifest.iter("activity")
        for intent in activity.findall("intent-filter")
        if {a.get(f"{ANDROID}name") for a in intent.findall("action")} == {"android.intent.action.MAIN"}
        and "android.intent.category.LAUNCHER" in {c.get(f"{ANDROID}name") for c in intent.findall("category")}
    ]
    assert len(launchers) == 1, "exactly one launcher activity"
    activity = launchers[0]
    assert activity.get(f"{ANDROID}exported") == "true", "a launcher activity must be exported (Android 12+)"
    name = activity.get(f"{ANDROID}name").lstrip(".")
    source = app / "app/src/main/kotlin/dev/kerasmv2/camera" / f"{name}.kt"
    assert re.search(rf"\bclass {name}\b.*ComponentActivity", source.read_text()), f"{source} declares the activity"


def catalog_versions(app: Path = APP) -> dict[str, str]:
    text = (app / "gradle/libs.versions.toml").read_text()
    section = re.search(r"^\[versions\]\n(.*?)(?=^\[)", text, re.MULTILINE | re.DOTALL).group(1)
    return dict(re.findall(r'^(\w+)\s*=\s*"([^"]+)"', section, re.MULTILINE))


def readme_versions(app: Path = APP) -> dict[str, str]:
    """Rows `| key | what | version |` of the README's "Pinned versions" table."""
    text = (app / "README.md").read_text()
    table = re.search(r"^## Pinned versions\n(.*?)(?=^## )", text, re.MULTILINE | re.DOTALL)
    assert table, "android_app/README.md has a '## Pinned versions' section"
    return dict(re.findall(r"^\| `(\w+)` \| [^|]+ \| `([^`]+)` \|", table.group(1), re.MULTILINE))


def test_readme_states_the_pinned_versions(app: Path = APP):
    catalog = catalog_versions(app)
    stated = readme_versions(app)
    wrapper = (app / "gradle/wrapper/gradle-wrapper.properties").read_text()
    gradle = re.search(r"gradle-([\d.]+)-bin\.zip", wrapper).group(1)
    assert stated == {**catalog, "gradle": gradle}, "android_app/README.md and the version catalog disagree"
    # The Kotlin compiler that compiles core/ here is the one Gradle would use.
    tools = json.loads((app / "tools/package.json").read_text())
    assert tools["dependencies"]["kotlin-compiler"] == catalog["kotlin"]
    assert tuple(int(x) for x in catalog["kotlin"].split(".")) >= LITERT_KOTLIN


WRAPPER = ["gradlew", "gradlew.bat", "gradle/wrapper/gradle-wrapper.jar", "gradle/wrapper/gradle-wrapper.properties"]
STAND_IN_LAUNCHER = """package org.gradle.launcher

// Stands in for Gradle's launcher: says what the wrapper started it with.
object GradleMain {
    @JvmStatic
    fun main(args: Array<String>) {
        println("stand-in Gradle: " + args.joinToString(" ") + " in " + System.getProperty("user.dir"))
    }
}
"""


def test_a_clone_has_the_gradle_wrapper():
    listed = subprocess.run(
        ["git", "ls-files", "--stage", *WRAPPER], cwd=APP, capture_output=True, text=True, check=True
    ).stdout  # fmt: skip
    modes = {line.split("\t")[1]: line.split()[0] for line in listed.splitlines()}
    assert set(modes) == set(WRAPPER), f"not committed: {set(WRAPPER) - set(modes)}"
    assert modes["gradlew"] == "100755", "gradlew must be committed executable"
    with zipfile.ZipFile(APP / "gradle/wrapper/gradle-wrapper.jar") as jar:
        assert "Implementation-Title: Gradle Wrapper" in jar.read("META-INF/MANIFEST.MF").decode()
        assert "org/gradle/wrapper/GradleWrapperMain.class" in jar.namelist()


def test_gradlew_starts_the_distribution_it_downloads(tmp_path):
    """gradlew -> the wrapper jar -> a distribution fetched from distributionUrl -> its launcher, offline: the
    copy's distributionUrl points to a local zip whose launcher is a stand-in that prints what it got."""
    work = tmp_path / "launcher"
    work.mkdir()
    (work / "GradleMain.kt").write_text(STAND_IN_LAUNCHER)
    launcher = tmp_path / "gradle-launcher-8.13.jar"
    compiled = subprocess.run(
        [str(KOTLIN_HOME / "bin" / "kotlinc"), str(work / "GradleMain.kt"), "-include-runtime", "-d", str(launcher)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert compiled.returncode == 0, compiled.stderr[-3000:]
    distribution = tmp_path / "gradle-8.13-bin.zip"
    with zipfile.ZipFile(distribution, "w") as archive:  # with its folders: the wrapper creates none itself
        archive.writestr("gradle-8.13/", "")
        archive.writestr("gradle-8.13/lib/", "")
        archive.write(launcher, "gradle-8.13/lib/gradle-launcher-8.13.jar")
    project = tmp_path / "android_app"
    for name in WRAPPER:
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(APP / name, project / name)
    properties = project / "gradle/wrapper/gradle-wrapper.properties"
    pinned = properties.read_text()
    assert "distributionUrl=https\\://services.gradle.org/distributions/gradle-8.13-bin.zip" in pinned
    properties.write_text(re.sub(r"(?m)^distributionUrl=.*$", f"distributionUrl={distribution.as_uri()}", pinned))
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "GRADLE_USER_HOME": str(tmp_path / "gradle-home")}
    result = subprocess.run(
        ["./gradlew", ":core:test"], cwd=project, env=env, capture_output=True, text=True, timeout=300
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"stand-in Gradle: :core:test in {project}" in result.stdout, result.stdout


def test_build_scripts_use_the_current_kotlin_dsl(app: Path = APP):
    for script in [app / "build.gradle.kts", app / "settings.gradle.kts", *app.glob("*/build.gradle.kts")]:
        text = script.read_text()
        assert "kotlinOptions" not in text, f"{script.name}: Kotlin 2.x Gradle plugins take compilerOptions"
        assert "jvmToolchain" not in text, f"{script}: a toolchain request needs a resolver to provision the JDK"
    sources = "\n".join(p.read_text() for p in (app / "app/src/main/kotlin").rglob("*.kt"))
    assert "org.tensorflow.lite.nnapi" not in sources and "addDelegate" not in sources, "LiteRT 2.x has no delegates"


# --- export_models.sh, run against a stand-in `mv2` -------------------------------------------------

FAKE_MV2 = r"""#!/usr/bin/env bash
# Records its arguments; fails to load the published weights (as offline), exports anything else.
echo "mv2 $*" >> "$MV2_LOG"
out="$2"; weights=""; assets=""
while [ $# -gt 0 ]; do
  case "$1" in --weights) weights="$2"; shift ;; --app-assets) assets="$2"; shift ;; esac
  shift
done
[ "$weights" = "imagenet1k-256" ] && { echo "cannot download $weights" >&2; exit 1; }
mkdir -p "$assets"
name="$(basename "$out" .tflite)"
echo "tflite" > "$assets/$name.tflite"
echo "model_file=$name.tflite" > "$assets/$name.properties"
echo "label" > "$assets/labels.txt"
"""
FORBIDDEN = ("sudo", "dpkg", "apt-get", "sha256sum", "brew")


def executable(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


@pytest.fixture
def export_tree(tmp_path):
    """A copy of the script in a repository-shaped folder, with tools it must not call recorded."""
    repo = tmp_path / "repo"
    script = repo / "android_app" / "export_models.sh"
    script.parent.mkdir(parents=True)
    script.write_text((APP / "export_models.sh").read_text())
    (repo / "scripts").mkdir()
    (repo / "scripts" / "offline_fixture.sh").write_text((ROOT / "scripts" / "offline_fixture.sh").read_text())
    (repo / "keras_mv2" / "samples").mkdir(parents=True)
    bin_dir = tmp_path / "bin"
    for tool in FORBIDDEN:
        executable(bin_dir / tool, f'#!/bin/sh\necho "{tool} $*" >> "$FORBIDDEN_LOG"\nexit 1\n')
    env = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "TMPDIR": str(tmp_path),
        "MV2_LOG": str(tmp_path / "mv2.log"),
        "FORBIDDEN_LOG": str(tmp_path / "forbidden.log"),
    }
    return repo, script, env


def run_script(script: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(script), *args], env=env, capture_output=True, text=True, timeout=60)


def test_export_script_says_what_it_needs_without_an_environment(export_tree):
    _, script, env = export_tree
    result = run_script(script, env)
    assert result.returncode == 2
    assert "python3 -m venv .venv" in result.stderr and "pip install -e '.[edge]'" in result.stderr
    assert not Path(env["FORBIDDEN_LOG"]).exists(), Path(env["FORBIDDEN_LOG"]).read_text()


def test_export_script_falls_back_to_the_shared_fixture(export_tree, tmp_path):
    repo, script, env = export_tree
    executable(repo / ".venv" / "bin" / "mv2", FAKE_MV2)
    shared = tmp_path / "elsewhere" / "shared"
    fixture = shared / "fixtures" / "cvnets" / "cvnets-mobilevitv2-1.0-random.pt"
    fixture.parent.mkdir(parents=True)
    fixture.write_bytes(b"weights")
    result = run_script(script, {**env, "KERAS_MV2_SHARED": str(shared)})
    assert result.returncode == 0, result.stderr
    assert "random-weight test checkpoint" in result.stderr
    calls = Path(env["MV2_LOG"]).read_text().splitlines()
    assert len(calls) == 3 and "--weights imagenet1k-256" in calls[0]
    assert all(f"--weights {fixture}" in call for call in calls[1:])
    assert f"--representative {repo / 'keras_mv2' / 'samples'}" in calls[2] and "--quantization int8" in calls[2]
    assets = repo / "android_app" / "app" / "src" / "main" / "assets"
    assert sorted(p.name for p in assets.iterdir()) == [
        "labels.txt", "mobilevitv2_fp32.properties", "mobilevitv2_fp32.tflite",
        "mobilevitv2_int8.properties", "mobilevitv2_int8.tflite",
    ]  # fmt: skip
    assert not Path(env["FORBIDDEN_LOG"]).exists()
    # The default shared folder is ../shared beside the repository; without the fixture it stops and says so.
    os.remove(env["MV2_LOG"])
    missing = run_script(script, env, "imagenet1k-256", str(repo / "keras_mv2" / "samples"))
    assert missing.returncode == 1
    assert str(repo.parent / "shared") in missing.stderr or "../shared" in missing.stderr
    assert "KERAS_MV2_SHARED" in missing.stderr
