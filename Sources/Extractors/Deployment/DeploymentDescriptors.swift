import FnauditModel

/// Reads the descriptors that define functions (SAM templates, CDK cloud assemblies,
/// `serverless.yml`) in source trees. Each function names where its code and layers are; the
/// deployment view (FnauditDeployment) later joins them with the packages the walk found there.
public struct DeploymentDescriptors: Analyzer {
    public init() {}

    public func wants(_ entry: EntryInfo) -> Bool {
        // In trees only: a descriptor names folders and zips beside it, which an archive does not hold.
        guard !entry.inArchive else { return false }
        let name = PathName.base(entry.path)
        if SAMTemplate.fileNames.contains(String(name)) || ServerlessProject.fileNames.contains(String(name)) { return true }
        return name == "manifest.json" && isAssemblyFolder(PathName.directory(entry.path))
    }

    /// `cdk.out` (or `*cdk.out`), a nested stage assembly (`assembly-Prod`), or the scanned folder
    /// itself (`fnaudit scan cdk.out`); what is not a cloud assembly is told by its content.
    private func isAssemblyFolder(_ folder: String) -> Bool {
        let name = PathName.base(folder)
        return folder.isEmpty || name.hasSuffix("cdk.out") || name.hasPrefix("assembly-")
    }

    private func looksLikeDescriptor(_ path: String, _ container: Container) -> Bool {
        if ServerlessProject.fileNames.contains(String(PathName.base(path))) { return true }
        guard let bytes = container.files.contents(of: path) else { return true }
        let markers = [Array("AWS::".utf8), Array("AWSTemplateFormatVersion".utf8), Array("aws:cloudformation:stack".utf8)]
        return markers.contains { ByteSearch.contains(bytes, $0) }
    }

    public func analyze(_ container: Container) -> Extraction {
        guard container.kind == .tree else { return Extraction() }
        var result = Extraction()
        for path in container.entries {
            let name = String(PathName.base(path))
            do {
                if SAMTemplate.fileNames.contains(name) {
                    result.functions += try SAMTemplate.functions(at: path, in: container)
                } else if ServerlessProject.fileNames.contains(name) {
                    result.functions += try ServerlessProject.functions(at: path, in: container)
                } else {
                    result.functions += try CDKAssembly.functions(at: path, in: container)
                }
            } catch {
                // `template.yaml` and `manifest.json` are common names: a file that does not mention
                // CloudFormation or CDK is someone else's, and not reading it is no error.
                guard looksLikeDescriptor(path, container) else { continue }
                result.issues.append(ScanIssue(location: container.location(of: path), message: "deployment descriptor: \(error)"))
            }
        }
        return result
    }
}
