import Foundation
import FnauditModel

/// `pom.xml`: the dependencies a Maven project declares, with versions worked out offline.
///
/// Resolves `${…}` from the project's and its parents' properties and coordinates
/// (`project.version`, `project.parent.version`, nested properties), takes versions from
/// `dependencyManagement` (own and inherited), and follows parent POMs found in the same tree
/// through `relativePath` (default `../pom.xml`). A version it cannot work out (a property with no
/// value, a BOM it cannot see) is reported as unresolved, never guessed. `test` and `provided`
/// scopes are dev dependencies.
public struct PomXMLExtractor: Extractor {
    public let id = ExtractorID.pomXML
    public init() {}

    static let maxParents = 16

    public let pathEndings = ["pom.xml", ".pom"]

    /// For tests and fuzzing: whether POMs' plain XML reader gives XMLParser's tree; nil when it declines the file.
    public static func xmlReadersAgree(_ bytes: [UInt8]) -> Bool? { XMLTreeNode.readersAgree(bytes) }

    public func fileRequired(_ path: String) -> Bool {
        // The copies Maven puts in jars (META-INF/maven/**/pom.xml) describe the jar's own build;
        // the jar's pom.properties already says what it is.
        let base = PathName.base(path)
        return (base == "pom.xml" || base.hasSuffixBytes(".pom")) && !path.containsBytes("META-INF/")
    }

    struct Dependency {
        var groupID: String?
        var artifactID: String?
        var version: String?
        var scope: String?
        var type: String?
        var line: Int
    }

    /// One POM of the inheritance chain.
    struct Model {
        var groupID: String?
        var artifactID: String?
        var version: String?
        var parentGroupID: String?
        var parentArtifactID: String?
        var parentVersion: String?
        var parentRelativePath: String?
        var properties: [String: String] = [:]
        var managed: [Dependency] = []
        var dependencies: [Dependency] = []

        init(_ root: XMLTreeNode) {
            groupID = root.value("groupId")
            artifactID = root.value("artifactId")
            version = root.value("version")
            if let parent = root.child("parent") {
                parentGroupID = parent.value("groupId")
                parentArtifactID = parent.value("artifactId")
                parentVersion = parent.value("version")
                parentRelativePath = parent.child("relativePath").map { $0.text.trimmingWhitespace }
            }
            for property in root.child("properties")?.children ?? [] {
                properties[property.name] = property.text.trimmingWhitespace
            }
            managed = Model.dependencies(root.child("dependencyManagement")?.child("dependencies"))
            dependencies = Model.dependencies(root.child("dependencies"))
        }

        static func dependencies(_ element: XMLTreeNode?) -> [Dependency] {
            (element?.children("dependency") ?? []).map {
                Dependency(groupID: $0.value("groupId"), artifactID: $0.value("artifactId"), version: $0.value("version"),
                           scope: $0.value("scope"), type: $0.value("type"), line: $0.line)
            }
        }
    }

    public func extract(_ input: ExtractorInput) throws -> Extraction {
        let root: XMLTreeNode
        do {
            root = try XMLTreeNode.parse(input.contents)
        } catch {
            throw ExtractionError("\(error)")
        }
        guard root.name == "project" else { throw ExtractionError("not a POM: the root element is <\(root.name)>") }
        var result = Extraction()
        var chain = [Model(root)]
        var path = input.path
        // Walk up the parents that live in the same tree.
        while chain.count < PomXMLExtractor.maxParents, let child = chain.last, child.parentArtifactID != nil {
            let relative = child.parentRelativePath.map { $0.isEmpty ? "" : $0 } ?? "../pom.xml"
            guard !relative.isEmpty, var parentPath = PathName.join(PathName.directory(path), relative) else { break }
            if !parentPath.hasSuffix(".xml") && !parentPath.hasSuffix(".pom") { parentPath += "/pom.xml" }
            guard let bytes = input.siblings.contents(of: parentPath), let parentRoot = try? XMLTreeNode.parse(bytes) else { break }
            let parent = Model(parentRoot)
            // Only the parent it names: a `../pom.xml` of another project is not inherited from.
            guard parent.artifactID == child.parentArtifactID,
                  (parent.groupID ?? parent.parentGroupID) == child.parentGroupID else { break }
            chain.append(parent)
            path = parentPath
        }

        let resolver = PropertyResolver(chain: chain)
        // dependencyManagement: the nearest declaration wins.
        var managed: [String: Dependency] = [:]
        for model in chain.reversed() {
            for dependency in model.managed {
                guard let g = dependency.groupID.map(resolver.resolve), let a = dependency.artifactID.map(resolver.resolve) else { continue }
                managed["\(g):\(a)"] = dependency
            }
        }
        // Dependencies: the project's own plus inherited ones, the nearest declaration winning.
        var seen: Set<String> = []
        var lines: LineLocator?   // only inherited dependencies are looked up by text
        for (depth, model) in chain.enumerated() {
            for dependency in model.dependencies {
                guard let rawGroup = dependency.groupID, let rawArtifact = dependency.artifactID else { continue }
                let group = resolver.resolve(rawGroup), artifact = resolver.resolve(rawArtifact)
                let name = "\(group):\(artifact)"
                guard seen.insert(name).inserted else { continue }
                let managedEntry = managed[name]
                let scope = (dependency.scope ?? managedEntry?.scope).map(resolver.resolve) ?? "compile"
                if scope == "import" { continue }
                let isDev = scope == "test" || scope == "provided"
                var line: Int? = dependency.line
                if depth > 0 {
                    if lines == nil { lines = LineLocator(input.contents) }
                    line = lines?.line(of: "<artifactId>\(rawArtifact)</artifactId>")
                }
                let location = input.location(line: line)
                guard let rawVersion = dependency.version ?? managedEntry?.version else {
                    result.packages.append(Package(ecosystem: .maven, name: name, version: "", versionKind: .unresolved,
                                                   versionNote: "no version here, in dependencyManagement or in a parent POM found in this tree",
                                                   locations: [location], isDev: isDev, extractor: id))
                    continue
                }
                let version = resolver.resolve(rawVersion)
                if version.contains("${") {
                    result.packages.append(Package(ecosystem: .maven, name: name, version: "", versionKind: .unresolved,
                                                   versionNote: "\(rawVersion) has no value offline", locations: [location],
                                                   isDev: isDev, extractor: id))
                } else if version.hasPrefix("[") || version.hasPrefix("(") || version.contains(",") {
                    result.packages.append(Package(ecosystem: .maven, name: name, version: "", versionKind: .unpinned,
                                                   versionNote: version, locations: [location], isDev: isDev, extractor: id))
                } else {
                    result.packages.append(Package(ecosystem: .maven, name: name, version: version, locations: [location],
                                                   isDev: isDev, extractor: id))
                }
            }
        }
        return result
    }
}

/// `${name}` interpolation over a POM and its parents.
struct PropertyResolver {
    private var values: [String: String] = [:]

    init(chain: [PomXMLExtractor.Model]) {
        // Parents first, so the child's values override.
        for model in chain.reversed() {
            for (key, value) in model.properties { values[key] = value }
        }
        if let project = chain.first {
            let version = project.version ?? project.parentVersion
            let group = project.groupID ?? project.parentGroupID
            for prefix in ["project.", "pom.", ""] {
                if let version { values[prefix + "version"] = version }
                if let group { values[prefix + "groupId"] = group }
                if let artifact = project.artifactID { values[prefix + "artifactId"] = artifact }
            }
            for prefix in ["project.parent.", "parent."] {
                if let v = project.parentVersion { values[prefix + "version"] = v }
                if let g = project.parentGroupID { values[prefix + "groupId"] = g }
                if let a = project.parentArtifactID { values[prefix + "artifactId"] = a }
            }
        }
    }

    /// Replaces every `${key}` it knows, repeatedly (properties may refer to properties);
    /// unknown ones stay as written so callers can see what is missing.
    func resolve(_ text: String) -> String {
        var current = text
        for _ in 0..<10 {
            // Most values hold no property: said on the bytes, without Foundation's search.
            guard current.containsBytes("${") else { return current }
            var output = ""
            var rest = Substring(current)
            var changed = false
            while let open = rest.firstRange(of: "${") {
                output += rest[..<open.lowerBound]
                guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                    output += rest[open.lowerBound...]
                    rest = ""
                    break
                }
                let key = String(rest[open.upperBound..<close])
                if let value = values[key] {
                    output += value
                    changed = true
                } else {
                    output += rest[open.lowerBound...close]
                }
                rest = rest[rest.index(after: close)...]
            }
            output += rest
            current = output
            if !changed { break }
        }
        return current
    }
}
