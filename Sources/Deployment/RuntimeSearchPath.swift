import FnauditModel

/// Where a Lambda runtime looks for packages, first to last, as absolute folders of the execution
/// environment: the function's code is `/var/task`, layers are merged into `/opt` (Docs/LAYERS.md).
public struct RuntimeSearchPath: Sendable {
    /// Folders searched in order; a package found in an earlier one hides the same name in a later one.
    public var folders: [String]
    /// Folders the same runtime family would search under another version (`/opt/python/lib/python3.11/site-packages`
    /// for python3.12): packages there never load. Matched as prefixes of `/opt/python/lib/python`, `/opt/nodejs/node`.
    let otherVersionPattern: (prefix: String, suffix: String, own: String)?


    /// The search path of `ecosystem` in a function of `runtime` (nil: not known) whose handler is `handler`.
    public static func of(_ ecosystem: Ecosystem, runtime: String?, handler: String?) -> RuntimeSearchPath? {
        let family = runtime.map(RuntimeFamily.init(runtime:)) ?? .unknown
        switch ecosystem {
        case .pypi:
            guard family.isPython || family == .unknown else { return nil }
            // The Lambda Python runtime's sys.path: the function's folder, then the layers'
            // site-packages and /opt/python (python-layers.html, "Python layer paths").
            if case .python(let version) = family {
                return RuntimeSearchPath(folders: ["/var/task", "/opt/python/lib/python\(version)/site-packages", "/opt/python"],
                                         otherVersionPattern: ("/opt/python/lib/python", "/site-packages", version))
            }
            return RuntimeSearchPath(folders: ["/var/task", "/opt/python/lib/python*/site-packages", "/opt/python"], otherVersionPattern: nil)
        case .npm:
            guard family.isNode || family == .unknown else { return nil }
            // Node's own lookup walks up from the handler's folder through node_modules folders;
            // then NODE_PATH: /opt/nodejs/nodeNN/node_modules, /opt/nodejs/node_modules (lambda-runtimes env vars).
            var folders: [String] = []
            var directory = "/var/task/" + handlerDirectory(handler)
            while directory.count >= "/var/task".count {
                folders.append((directory.hasSuffix("/") ? directory : directory + "/") + "node_modules")
                if directory == "/var/task" || directory == "/var/task/" { break }
                directory = parent(directory)
            }
            if case .node(let major) = family {
                return RuntimeSearchPath(folders: folders + ["/opt/nodejs/node\(major)/node_modules", "/opt/nodejs/node_modules"],
                                         otherVersionPattern: ("/opt/nodejs/node", "/node_modules", major))
            }
            return RuntimeSearchPath(folders: folders + ["/opt/nodejs/node*/node_modules", "/opt/nodejs/node_modules"], otherVersionPattern: nil)
        default:
            // Java puts the function's jars and /opt/java/lib on one class path: nothing is hidden by place.
            return nil
        }
    }

    /// The index of `folder` on this path, `*` standing for a version when the runtime's is not known.
    public func rank(of folder: String) -> Int? {
        folders.firstIndex { pattern in
            guard let star = pattern.firstIndex(of: "*") else { return pattern == folder }
            let head = pattern[..<star], tail = pattern[pattern.index(after: star)...]
            return folder.hasPrefix(head) && folder.hasSuffix(tail) && folder.count > head.count + tail.count
                && !folder.dropFirst(head.count).dropLast(tail.count).contains("/")
        }
    }

    /// Whether `folder` is where another version of this runtime would look (and this one never does).
    public func isOtherVersionFolder(_ folder: String) -> Bool {
        guard let pattern = otherVersionPattern, folder.hasPrefix(pattern.prefix), folder.hasSuffix(pattern.suffix) else { return false }
        let middle = folder.dropFirst(pattern.prefix.count).dropLast(pattern.suffix.count)
        return !middle.isEmpty && !middle.contains("/") && middle != pattern.own
    }

    /// `src/handlers/orders.handler` → `src/handlers`.
    static func handlerDirectory(_ handler: String?) -> String {
        guard let handler, let slash = handler.lastIndex(of: "/") else { return "" }
        return String(handler[..<slash])
    }

    private static func parent(_ path: String) -> String {
        var trimmed = path
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "/" }
        return String(trimmed[..<slash])
    }
}

/// A runtime identifier's language and version (`python3.12`, `nodejs20.x`, `java21`).
public enum RuntimeFamily: Equatable, Sendable {
    case python(String), node(String), java(String), other(String), unknown

    public init(runtime: String) {
        if runtime.hasPrefix("python"), runtime.count > 6 {
            self = .python(String(runtime.dropFirst(6)))
        } else if runtime.hasPrefix("nodejs"), let major = runtime.dropFirst(6).split(separator: ".").first, !major.isEmpty, major.allSatisfy(\.isNumber) {
            self = .node(String(major))
        } else if runtime.hasPrefix("java") {
            self = .java(String(runtime.dropFirst(4)))
        } else {
            self = .other(runtime)
        }
    }

    var isPython: Bool { if case .python = self { return true } else { return false } }
    var isNode: Bool { if case .node = self { return true } else { return false } }
}
