import Foundation
import TestSupport
import XCTest
import FnauditExtractors

/// POMs are read by a plain XML reader when they stay within its subset: on every corpus and
/// fixture XML file it must give XMLParser's tree (names, lines, texts), or decline.
final class PlainXMLReaderTests: XCTestCase {
    func testItGivesXMLParsersTreeOrDeclines() throws {
        var files = 0, read = 0
        for root in [Fixtures.shared("corpus"), Fixtures.root.path] {
            guard let walker = FileManager.default.enumerator(atPath: root) else { continue }
            while let relative = walker.nextObject() as? String {
                guard relative.hasSuffix(".xml") || relative.hasSuffix(".pom") else { continue }
                let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: root + "/" + relative)))
                let agree = PomXMLExtractor.xmlReadersAgree(bytes)
                XCTAssertNotEqual(agree, false, relative)
                files += 1
                if agree == true { read += 1 }
            }
        }
        XCTAssertGreaterThan(files, 10)
        XCTAssertGreaterThan(read, files * 3 / 4, "the plain reader takes most POMs")
    }

    func testOddButValidDocuments() {
        let documents = [
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<project xmlns=\"http://maven.apache.org/POM/4.0.0\"\n  xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n  xsi:schemaLocation=\"a b\">\n  <v>1 &amp; 2 &#65;&#x42;</v><e/><f a='1'\n/>\n</project>\n",
            "<a>x<!-- c -->y<![CDATA[<z>]]>\n  <b>  t  </b>\n</a>",
            "<!-- lead -->\n<a\n>\n<b>é ü</b></a>\n<!-- trail -->\n",
            "<?xml version='1.0' standalone='yes' ?>\n<a/>",
        ]
        for text in documents {
            XCTAssertEqual(PomXMLExtractor.xmlReadersAgree(Array(text.utf8)), true, text)
        }
    }

    func testMalformedDocumentsAreLeftToXMLParser() throws {
        // Each must not be read by the plain reader: XMLParser refuses it, or reads it in ways the subset leaves out.
        for text in ["<a><b></a></b>", "<a>&nbsp;</a>", "<a>x</a><b/>", "<a b='1' b='2'/>", "<a>]]></a>", "<a\u{0001}/>", "<p:a/>",
                     "<a x:y='1'/>", "<!DOCTYPE a><a/>", "<?xml version=\"1.0\" encoding%\"UTF-8\"?><a/>",
                     "<?xml version=\"1.0\" encoding=\"UTF`8\"?><a/>", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>", "<?pi x?><a/>", "<a>\r\n</a>", "<a>&#0;</a>", "<a><!-- a -- b --></a>", "<1a/>"] {
            XCTAssertNil(PomXMLExtractor.xmlReadersAgree(Array(text.utf8)), text)
        }
    }
}
