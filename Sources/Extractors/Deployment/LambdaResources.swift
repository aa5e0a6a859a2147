import FnauditModel

/// Lambda functions and layers of a CloudFormation template, whichever tool wrote it: SAM's
/// `AWS::Serverless::*` and plain `AWS::Lambda::*` resources. Where each one's code is on disk is
/// the framework's business (`locate`), since SAM, CDK and Serverless keep it in different places.
struct LambdaResources {
    static let functionTypes: Set<String> = ["AWS::Serverless::Function", "AWS::Lambda::Function"]
    static let layerTypes: Set<String> = ["AWS::Serverless::LayerVersion", "AWS::Lambda::LayerVersion"]

    let template: CloudFormationTemplate
    let framework: DeploymentFramework
    let tree: TreePaths

    /// `locate(logicalId, resource)`: the code of a function or layer resource, or nil to use what
    /// its properties say (`CodeUri`, `ContentUri`, `Code`, `Content`).
    func functions(locate: (String, [String: Any]) -> CodeArtifact?) -> [FunctionDefinition] {
        var layers: [String: CodeArtifact] = [:]
        for (id, resource) in template.resources(ofType: Self.layerTypes) {
            let properties = resource.dictionary("Properties") ?? [:]
            layers[id] = locate(id, resource) ?? code(properties["ContentUri"] ?? properties["Content"])
        }
        let globals = template.functionGlobals
        return template.resources(ofType: Self.functionTypes).map { id, resource in
            let properties = resource.dictionary("Properties") ?? [:]
            let isSAM = resource.string("Type") == "AWS::Serverless::Function"
            func property(_ key: String) -> Any? { properties[key] ?? (isSAM ? globals[key] : nil) }
            let artifact: CodeArtifact
            let isImage = (template.string(property("PackageType")) ?? "Zip") == "Image"
            if isImage {
                artifact = CodeArtifact(kind: .image, path: template.string(properties["ImageUri"]) ?? "", reason: "a container image (PackageType: Image): not read")
            } else if let located = locate(id, resource) {
                artifact = located
            } else if isSAM, property("InlineCode") != nil {
                artifact = CodeArtifact(kind: .inline, path: "InlineCode", reason: "inline code in the template: no packages to read")
            } else {
                artifact = code(property(isSAM ? "CodeUri" : "Code"))
            }
            // SAM's Globals lists come before the function's own (lists are additive).
            let layerValues = (isSAM ? (globals.array("Layers") ?? []) : []) + (properties.array("Layers") ?? [])
            let references = layerValues.map { value -> LayerReference in
                if let target = template.referencedResource(value), let layer = layers[target] {
                    return LayerReference(name: target, artifact: layer)
                }
                return externalLayer(value)
            }
            var definition = FunctionDefinition(
                name: id, framework: framework, path: (resource.dictionary("Metadata")?.string("aws:cdk:path")),
                runtime: isImage ? nil : template.string(property("Runtime")), handler: template.string(property("Handler")),
                artifact: artifact, layers: references, descriptor: template.location(ofResource: id))
            definition.permissions = PermissionsReader.cloudFormation(template: template, functionId: id, resource: resource)
            return definition
        }
    }

    /// `CodeUri`/`ContentUri`/`Code`/`Content` as written: a local path, an S3 location, inline code.
    private func code(_ value: Any?) -> CodeArtifact {
        // A path first: `!Sub "src/"` or a parameter's default is as good as a plain string.
        if let path = template.string(value) { return tree.artifact(path) }
        if let object = value as? [String: Any] {
            if object["ZipFile"] != nil { return CodeArtifact(kind: .inline, path: "ZipFile", reason: "inline code in the template: no packages to read") }
            if let image = object["ImageUri"] { return CodeArtifact(kind: .image, path: template.string(image) ?? "", reason: "a container image: not read") }
            if let bucket = object["Bucket"] ?? object["S3Bucket"] {
                let key = template.string(object["Key"] ?? object["S3Key"]) ?? "?"
                return CodeArtifact(kind: .remote, path: "s3://\(template.string(bucket) ?? "?")/\(key)", reason: "code in S3: not on disk")
            }
        }
        return CodeArtifact(kind: .missing, path: "", reason: value == nil ? "the template names no code" : "a code location that cannot be resolved offline")
    }

    /// A `Layers` entry that is no layer of this template: an ARN (another stack or account), a
    /// condition (`Fn::If`, not evaluated offline: both candidates are named), or something unresolved.
    private func externalLayer(_ value: Any?) -> LayerReference {
        if let name = template.string(value) ?? ((value as? [String: Any])?["Fn::Sub"] as? String) {
            return LayerReference(name: name, artifact: CodeArtifact(kind: .remote, path: name, reason: "a layer outside this template: not on disk"))
        }
        if let branches = (value as? [String: Any])?["Fn::If"] as? [Any], branches.count == 3 {
            let candidates = branches.dropFirst().map { template.referencedResource($0) ?? template.string($0) ?? "?" }
            let name = "Fn::If \(branches.first.map { "\($0)" } ?? "?"): \(candidates.joined(separator: " or "))"
            return LayerReference(name: name, artifact: CodeArtifact(kind: .missing, path: name, reason: "a conditional layer: the condition is not evaluated offline"))
        }
        return LayerReference(name: "a layer reference", artifact: CodeArtifact(kind: .missing, path: "", reason: "a layer reference that cannot be resolved offline"))
    }
}

/// Paths a descriptor names, relative to its own folder, as the scan of the tree shows them.
struct TreePaths {
    let files: any SiblingFiles
    /// The descriptor's folder, relative to the tree root ("" at the root).
    let base: String
    /// What the tree's paths are shown under (`service/` for the input `service`).
    let displayPrefix: String

    func relative(_ path: String) -> String? {
        path.hasPrefix("/") ? nil : PathName.join(base, path)
    }

    func kind(_ path: String) -> SiblingKind? {
        relative(path).flatMap { files.kind(of: $0) }
    }

    /// A folder or an archive on disk, else why not.
    func artifact(_ path: String) -> CodeArtifact {
        if path.hasPrefix("s3://") || path.hasPrefix("https://") {
            return CodeArtifact(kind: .remote, path: path, reason: "code in S3: not on disk")
        }
        guard let relative = relative(path) else {
            return CodeArtifact(kind: .missing, path: path, reason: "outside the scanned folder: scan the folder that holds it")
        }
        let display = displayPrefix + relative
        switch files.kind(of: relative) {
        case .directory?: return CodeArtifact(kind: .directory, path: relative.isEmpty ? String(displayPrefix.dropLast()) : display)
        case .file?: return CodeArtifact(kind: .archive, path: display)
        case nil: return CodeArtifact(kind: .missing, path: display, reason: "not on disk (not built yet?)")
        }
    }
}
