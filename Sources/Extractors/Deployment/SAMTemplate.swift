import FnauditModel

/// AWS SAM: `template.yaml`/`template.yml`/`template.json` (CloudFormation with SAM's transform),
/// and `sam build`'s output `.aws-sam/build/`, whose copy of each function and layer holds the
/// installed dependencies: it is preferred when present.
enum SAMTemplate {
    static let fileNames: Set<String> = ["template.yaml", "template.yml", "template.json"]
    static let buildFolder = ".aws-sam/build"

    static func functions(at path: String, in container: Container) throws -> [FunctionDefinition] {
        let base = PathName.directory(path)
        let tree = TreePaths(files: container.files, base: base, displayPrefix: container.displayPrefix)
        // `.aws-sam/build/template.yaml` beside the project's own template is the same functions:
        // the project's template is read, with the build folder as each function's code.
        if base == buildFolder || base.hasSuffix("/" + buildFolder) {
            let project = TreePaths(files: container.files, base: base, displayPrefix: "")
            if fileNames.contains(where: { project.kind("../../" + $0) == .file }) { return [] }
        }
        let template = try CloudFormationTemplate(bytes: try container.files.read(path), location: container.location(of: path))
        let lambda = template.resources(ofType: LambdaResources.functionTypes.union(LambdaResources.layerTypes))
        // A template without Lambda resources (a VPC stack, an unrelated `template.json`) says nothing here.
        guard !lambda.isEmpty else { return [] }
        let framework: DeploymentFramework = .sam
        let globals = template.functionGlobals
        return LambdaResources(template: template, framework: framework, tree: tree).functions { id, resource in
            guard tree.kind(buildFolder + "/" + id) == .directory else { return nil }
            var built = tree.artifact(buildFolder + "/" + id)
            // What `sam build` built it from, unless that is the whole project folder.
            let properties = resource.dictionary("Properties") ?? [:]
            if let source = template.string(properties["CodeUri"] ?? properties["ContentUri"] ?? globals["CodeUri"]),
               let relative = tree.relative(source), relative != base, tree.kind(source) == .directory {
                built.sources = [container.displayPrefix + relative]
            }
            return built
        }
    }
}

/// AWS CDK: a cloud assembly (`cdk.out/manifest.json`) names its stacks' templates; each Lambda
/// function and layer resource names its asset (`aws:asset:path`: a folder or zip in the assembly).
enum CDKAssembly {
    static func functions(at path: String, in container: Container) throws -> [FunctionDefinition] {
        let manifest = try StructuredDocument.json(try container.files.read(path))
        // Other tools write manifest.json too: a cloud assembly has a schema version and artifacts.
        guard let root = manifest as? [String: Any], let artifacts = root.dictionary("artifacts"), root["version"] is String else { return [] }
        let base = PathName.directory(path)
        let tree = TreePaths(files: container.files, base: base, displayPrefix: container.displayPrefix)
        var functions: [FunctionDefinition] = []
        for (_, value) in artifacts.sorted(by: { $0.key < $1.key }) {
            guard let artifact = value as? [String: Any], artifact.string("type") == "aws:cloudformation:stack",
                  let file = artifact.dictionary("properties")?.string("templateFile"),
                  let relative = tree.relative(file) else { continue }
            functions += try stack(relative, in: container, tree: tree, depth: 0)
        }
        return functions
    }

    /// One stack's functions, and those of its nested stacks (`AWS::CloudFormation::Stack` whose
    /// template is an asset of the assembly), a few levels deep.
    private static func stack(_ relative: String, in container: Container, tree: TreePaths, depth: Int) throws -> [FunctionDefinition] {
        let template = try CloudFormationTemplate(bytes: try container.files.read(relative), location: container.location(of: relative))
        var functions = LambdaResources(template: template, framework: .cdk, tree: tree).functions { _, resource in
            guard let asset = resource.dictionary("Metadata")?.string("aws:asset:path") else { return nil }
            return tree.artifact(asset)
        }
        guard depth < 8 else { return functions }
        for (_, nested) in template.resources(ofType: ["AWS::CloudFormation::Stack"]) {
            guard let asset = nested.dictionary("Metadata")?.string("aws:asset:path"), asset.hasSuffix(".json"),
                  let path = tree.relative(asset) else { continue }
            functions += try stack(path, in: container, tree: tree, depth: depth + 1)
        }
        return functions
    }
}

/// The Serverless Framework: `serverless.yml` and the `sls package` output `.serverless/`
/// (`<service>.zip`, or `<function>.zip` with `package.individually`, and `<layer>.zip`).
enum ServerlessProject {
    static let fileNames: Set<String> = ["serverless.yml", "serverless.yaml"]

    static func functions(at path: String, in container: Container) throws -> [FunctionDefinition] {
        let tree = TreePaths(files: container.files, base: PathName.directory(path), displayPrefix: container.displayPrefix)
        // With CloudFormation's short tags (`!GetAtt Table.Arn` in iamRoleStatements) read as intrinsics.
        let bytes = try container.files.read(path)
        guard let config = try StructuredDocument.yaml(bytes, intrinsics: true) as? [String: Any],
              let functions = config.dictionary("functions") else { return [] }
        let location = container.location(of: path)
        let lines = LineLocator(bytes)
        let service = config.string("service") ?? config.dictionary("service")?.string("name")
        let provider = config.dictionary("provider") ?? [:]
        let individually = config.dictionary("package").map { $0.bool("individually") } ?? false

        // Layers of this service, by the logical id Serverless gives them (`{Ref: <Name>LambdaLayer}`).
        var layers: [String: LayerReference] = [:]
        for (name, value) in (config.dictionary("layers") ?? [:]).sorted(by: { $0.key < $1.key }) {
            let definition = value as? [String: Any] ?? [:]
            let packaged = ".serverless/\(name).zip"
            var artifact = tree.kind(packaged) == .file ? tree.artifact(packaged)
                : definition.dictionary("package")?.string("artifact").map(tree.artifact) ?? tree.artifact(definition.string("path") ?? name)
            // The layer's `path` is what `sls package` zipped: its copies are the zip's.
            if artifact.kind == .archive, let path = definition.string("path"), let relative = tree.relative(path),
               relative != tree.base, tree.kind(path) == .directory {
                artifact.sources = [container.displayPrefix + relative]
            }
            layers[logicalId(name) + "LambdaLayer"] = LayerReference(name: name, artifact: artifact)
        }

        return functions.sorted(by: { $0.key < $1.key }).compactMap { key, value in
            guard let function = value as? [String: Any] else { return nil }
            var artifact: CodeArtifact
            if function["image"] != nil {
                artifact = CodeArtifact(kind: .image, path: "\(function["image"] ?? "")", reason: "a container image: not read")
            } else if let own = function.dictionary("package")?.string("artifact") ?? config.dictionary("package")?.string("artifact") {
                artifact = tree.artifact(own)
            } else {
                let zip = individually || function.dictionary("package")?.bool("individually") == true ? key : (service ?? key)
                artifact = tree.kind(".serverless/\(zip).zip") == .file ? tree.artifact(".serverless/\(zip).zip") : tree.artifact(".")
            }
            let references = (function.array("layers") ?? provider.array("layers") ?? []).map { value -> LayerReference in
                if let ref = (value as? [String: Any])?.string("Ref"), let layer = layers[ref] { return layer }
                let name = (value as? String) ?? "an unresolved layer reference"
                return LayerReference(name: name, artifact: CodeArtifact(kind: .remote, path: name, reason: "a layer outside this service: not on disk"))
            }
            var at = location
            at.line = lines.line(of: "  \(key):")
            var definition = FunctionDefinition(
                name: key, framework: .serverless, path: service,
                runtime: resolve(function.string("runtime") ?? provider.string("runtime"), in: config),
                handler: function.string("handler"), artifact: artifact, layers: references, descriptor: at)
            definition.permissions = PermissionsReader.serverless(config: config, functionKey: key, location: at, lines: lines)
            return definition
        }
    }

    /// A value, through one `${self:a.b}` variable of the same file; others (`${env:…}`, `${ssm:…}`,
    /// defaults, nesting) are not known offline: nil, never a guess.
    static func resolve(_ value: String?, in config: [String: Any]) -> String? {
        guard let value else { return nil }
        guard value.contains("${") else { return value }
        guard value.hasPrefix("${self:"), value.hasSuffix("}"), !value.contains(","), value.components(separatedBy: "${").count == 2 else { return nil }
        var node: Any = config
        for key in value.dropFirst(7).dropLast().split(separator: ".") {
            guard let next = (node as? [String: Any])?[String(key)] else { return nil }
            node = next
        }
        guard let text = node as? String, !text.contains("${") else { return nil }
        return text
    }

    /// Serverless's normalised name: first letter upper-cased, `-` → `Dash`, `_` → `Underscore`.
    static func logicalId(_ name: String) -> String {
        let spelled = name.replacingOccurrences(of: "-", with: "Dash").replacingOccurrences(of: "_", with: "Underscore")
        return spelled.prefix(1).uppercased() + spelled.dropFirst()
    }
}
