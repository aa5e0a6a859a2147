import Foundation
import FnauditModel
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A small element tree with line numbers, read by `PlainXMLReader` when the document is within its
/// subset, else built with Foundation's streaming XMLParser.
/// External entities are never resolved (the parser's default), so a hostile POM cannot read files.
final class XMLTreeNode {
    let name: String
    let line: Int
    var text = ""
    var children: [XMLTreeNode] = []

    init(name: String, line: Int) {
        self.name = name
        self.line = line
    }

    func child(_ name: String) -> XMLTreeNode? { children.first { $0.name == name } }
    func children(_ name: String) -> [XMLTreeNode] { children.filter { $0.name == name } }
    /// Trimmed text of a direct child, nil when absent or empty.
    func value(_ name: String) -> String? {
        guard let text = child(name)?.text.trimmingWhitespace, !text.isEmpty else { return nil }
        return text
    }

    static func parse(_ bytes: [UInt8]) throws -> XMLTreeNode {
        if let plain = PlainXMLReader.read(bytes) { return plain }
        return try parsedByXMLParser(bytes)
    }

    /// For tests and fuzzing: whether the plain reader gives XMLParser's tree; nil when it declines.
    static func readersAgree(_ bytes: [UInt8]) -> Bool? {
        guard let plain = PlainXMLReader.read(bytes) else { return nil }
        guard let general = try? parsedByXMLParser(bytes) else { return false }
        var pairs = [(plain, general)]
        while let (a, b) = pairs.popLast() {
            guard a.name == b.name, a.line == b.line, a.text == b.text, a.children.count == b.children.count else { return false }
            pairs += zip(a.children, b.children)
        }
        return true
    }

    private static func parsedByXMLParser(_ bytes: [UInt8]) throws -> XMLTreeNode {
        let parser = XMLParser(data: Data(try XMLTreeNode.safeForParser(bytes)))
        parser.shouldResolveExternalEntities = false
        let builder = Builder(parser: parser)
        parser.delegate = builder
        guard parser.parse(), let root = builder.root, builder.stack.isEmpty, !builder.tooDeep else {
            if builder.tooDeep {
                throw XMLTreeError(line: parser.lineNumber, reason: "elements nested deeper than \(Builder.maxDepth) levels: not read")
            }
            if parser.parserError == nil, !builder.stack.isEmpty {
                throw XMLTreeError(line: parser.lineNumber, reason: "the document ends inside <\(builder.stack.last?.name ?? "")>")
            }
            let line = parser.lineNumber
            let reason = parser.parserError.map { "malformed XML (parser error \(($0 as NSError).code))" } ?? "malformed XML"
            throw XMLTreeError(line: line, reason: reason)
        }
        return root
    }

    /// FoundationXML traps on text that is not UTF-8, and libxml2 expands internal entities
    /// without a budget. POMs need neither: entity declarations are refused, and Latin-1 text
    /// (declared or not) is re-encoded as UTF-8 first.
    static func safeForParser(_ bytes: [UInt8]) throws -> [UInt8] {
        if ByteSearch.contains(bytes, Array("<!ENTITY".utf8)) {
            throw XMLTreeError(line: 1, reason: "declares entities, which no POM needs: not read")
        }
        var text: String
        let wasUTF8: Bool
        if let utf8 = String(validating: bytes, as: UTF8.self) {
            text = utf8
            wasUTF8 = true
        } else {
            wasUTF8 = false
            // Every byte is a Latin-1 character: the text survives, only its encoding changes.
            text = String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        }
        // FoundationXML crashes on a processing instruction without data (`<?x?>`); no POM needs
        // one, so every one but the XML declaration is dropped.
        // Only an XML declaration at the very start (nearly every POM) is nothing to drop: the bytes
        // say so without the regex, whose set-up was a third of a small POM's time.
        if text.contains("<?"), !(wasUTF8 && onlyDeclaration(bytes)) {
            text = text.replacingOccurrences(of: #"(?s)(?!\A)<\?.*?\?>|\A<\?(?!xml[ \t\r\n]).*?\?>"#, with: "", options: .regularExpression)
        }
        guard !wasUTF8 || text.utf8.count != bytes.count else { return bytes }
        if let declaration = text.range(of: #"encoding\s*=\s*["'][^"']*["']"#, options: .regularExpression),
           text[..<declaration.lowerBound].count < 100 {
            text.replaceSubrange(declaration, with: "encoding=\"UTF-8\"")
        }
        return Array(text.utf8)
    }

    /// Whether the one `<?` of `bytes` opens them, as `<?xml` and a blank.
    private static func onlyDeclaration(_ bytes: [UInt8]) -> Bool {
        let declaration = Array("<?xml".utf8)
        guard bytes.count > declaration.count, bytes.starts(with: declaration),
              [0x20, 0x09, 0x0D, 0x0A].contains(bytes[declaration.count]) else { return false }
        return bytes.withUnsafeBufferPointer { ByteSearch.find("<?", in: $0, from: 1) == nil }
    }

    private final class Builder: NSObject, XMLParserDelegate {
        /// A tree this deep would be freed recursively, one frame per level; no POM nests past 20.
        static let maxDepth = 256
        weak var parser: XMLParser?
        var root: XMLTreeNode?
        var stack: [XMLTreeNode] = []
        var tooDeep = false
        init(parser: XMLParser) { self.parser = parser }

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
            guard stack.count < Builder.maxDepth else {
                tooDeep = true
                parser.abortParsing()
                return
            }
            // The local name; most have no prefix, and splitting every name was an eighth of a POM's time.
            let local = !elementName.utf8.contains(UInt8(ascii: ":")) ? elementName
                : elementName.split(separator: ":").last.map(String.init) ?? elementName
            let element = XMLTreeNode(name: local, line: parser.lineNumber)
            if let parent = stack.last { parent.children.append(element) } else { root = element }
            stack.append(element)
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
            _ = stack.popLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.text += string
        }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            stack.last?.text += String(decoding: CDATABlock, as: UTF8.self)
        }
    }
}

struct XMLTreeError: Error, CustomStringConvertible {
    var line: Int
    var reason: String
    var description: String { "not valid XML at line \(line): \(reason)" }
}
