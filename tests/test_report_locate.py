"""Manifest locator: each supported manifest/lockfile gives the declaring file and line."""

from __future__ import annotations

from pathlib import Path

from osaudit.report.locate import build_index

FILES = {
    "requirements-dev.txt": "# tools\n-r requirements.txt\nBoto3[crt] >= 1.34  # aws\n",
    "svc/pyproject.toml": (
        '[project]\nname = "svc"\ndependencies = [\n  "requests>=2",\n'
        '  "google-cloud-storage[grpc]~=2.14",\n]\n\n[tool.poetry.dependencies]\n'
        'python = "^3.11"\nDjango = "^5.0"\n'
    ),
    "svc/poetry.lock": '[[package]]\nname = "django"\nversion = "5.0.1"\n',
    "web/package.json": (
        '{\n  "name": "web",\n  "dependencies": {\n    "@azure/msal-browser": "^3.7.1",\n'
        '    "react": "18.2.0"\n  },\n  "devDependencies": {\n    "jest": "^29"\n  }\n}\n'
    ),
    "web/package-lock.json": (
        '{\n  "packages": {\n    "node_modules/left-pad": {\n      "version": "1.3.0"\n    }\n'
        "  }\n}\n"
    ),
    "web/yarn.lock": '"@babel/core@^7.0.0", "@babel/core@^7.1.0":\n  version "7.2.0"\n',
    "java/pom.xml": (
        "<project>\n  <dependencies>\n    <dependency>\n      <groupId>com.amazonaws</groupId>\n"
        "      <artifactId>aws-java-sdk-s3</artifactId>\n      <version>1.12.600</version>\n"
        "    </dependency>\n  </dependencies>\n</project>\n"
    ),
    "java/build.gradle.kts": 'dependencies {\n    implementation("com.google.guava:guava:33.0.0-jre")\n}\n',
    "go/go.mod": (
        "module example.org/x\n\ngo 1.22\n\nrequire (\n\tgithub.com/hashicorp/terraform v1.7.0\n"
        "\tgithub.com/minio/minio-go/v7 v7.0.66 // indirect\n)\n"
    ),
    "rust/Cargo.toml": '[package]\nname = "x"\n\n[dependencies]\nserde = "1"\n\n[dependencies.tokio]\nversion = "1"\n',
    "ruby/Gemfile": "source 'https://rubygems.org'\ngem 'rails', '~> 7.1'\n",
    "ruby/Gemfile.lock": "GEM\n  specs:\n    rack (3.0.8)\n",
    "php/composer.json": '{\n  "require": {\n    "php": ">=8.1",\n    "aws/aws-sdk-php": "^3.0"\n  }\n}\n',
    "dotnet/App.csproj": (
        '<Project>\n  <ItemGroup>\n    <PackageReference Include="AWSSDK.S3" Version="3.7.0" />\n'
        "  </ItemGroup>\n</Project>\n"
    ),
    "dotnet/packages.config": '<packages>\n  <package id="Newtonsoft.Json" version="13.0.1" />\n</packages>\n',
    "node_modules/boto3/requirements.txt": "boto3\n",
    ".venv/requirements.txt": "requests\n",
}


def _repo(tmp_path: Path) -> Path:
    for rel, text in FILES.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_every_manifest_kind(tmp_path: Path):
    index = build_index(_repo(tmp_path))
    cases = [
        (("pypi", "boto3", None), ("requirements-dev.txt", 3)),
        (("pypi", "requests", None), ("svc/pyproject.toml", 4)),
        (("pypi", "google_cloud.storage", None), ("svc/pyproject.toml", 5)),
        (("pypi", "django", None), ("svc/pyproject.toml", 10)),  # manifest beats lockfile
        (("npm", "msal-browser", "@azure"), ("web/package.json", 4)),
        (("npm", "jest", None), ("web/package.json", 8)),
        (("npm", "left-pad", None), ("web/package-lock.json", 3)),
        (("npm", "core", "@babel"), ("web/yarn.lock", 1)),
        (("maven", "aws-java-sdk-s3", "com.amazonaws"), ("java/pom.xml", 5)),
        (("maven", "guava", "com.google.guava"), ("java/build.gradle.kts", 2)),
        (("golang", "terraform", "github.com/hashicorp"), ("go/go.mod", 6)),
        (("golang", "v7", "github.com/minio/minio-go"), ("go/go.mod", 7)),
        (("cargo", "serde", None), ("rust/Cargo.toml", 5)),
        (("cargo", "tokio", None), ("rust/Cargo.toml", 7)),
        (("gem", "rails", None), ("ruby/Gemfile", 2)),
        (("gem", "rack", None), ("ruby/Gemfile.lock", 3)),
        (("composer", "aws-sdk-php", "aws"), ("php/composer.json", 4)),
        (("nuget", "awssdk.s3", None), ("dotnet/App.csproj", 3)),
        (("nuget", "Newtonsoft.Json", None), ("dotnet/packages.config", 2)),
    ]
    for (eco, name, group), (path, line) in cases:
        found = index.find(eco, name, group)
        assert found is not None, (eco, name)
        assert (found.path, found.line) == (path, line), (eco, name, found)


def test_skips_vendored_trees_and_unknowns(tmp_path: Path):
    index = build_index(_repo(tmp_path))
    assert all("node_modules" not in d.path and ".venv" not in d.path
               for decls in index.entries.values() for d in decls)
    assert index.find("pypi", "not-there") is None
    assert index.find(None, "boto3") is None
    assert index.find("npm", "php", None) is None  # composer "php" is not a package
    assert build_index(None).entries == {}
    assert build_index(tmp_path / "missing").entries == {}


def test_bounded_walk(tmp_path: Path, monkeypatch):
    from osaudit.report import locate

    deep = tmp_path
    for i in range(12):
        deep = deep / f"d{i}"
    deep.mkdir(parents=True)
    (deep / "requirements.txt").write_text("deep-package\n", encoding="utf-8")
    assert build_index(tmp_path).find("pypi", "deep-package") is None
    monkeypatch.setattr(locate, "MAX_FILES", 3)
    for i in range(10):
        (tmp_path / f"f{i}.txt").write_text("x", encoding="utf-8")
    assert build_index(tmp_path).truncated
