// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.dnstext;

import java.util.HashMap;
import java.util.Map;

/**
 * The {@code domain} 0.9.3 crate's names for IANA code points, as it prints them: a value it has no
 * name for is a number, with a prefix for record types ({@code TYPE65280}), classes ({@code
 * CLASS3}) and extended errors ({@code EDE42}). Note its quirks, kept on purpose: RCODE 9 is {@code
 * NOAUTH} in the header but {@code NOTAUTH} as a TSIG error, and class ANY is {@code *}.
 */
final class Mnemonics {
  private static final Map<Integer, String> RTYPES =
      table(
          """
          1=A, 2=NS, 3=MD, 4=MF, 5=CNAME, 6=SOA, 7=MB, 8=MG, 9=MR, 10=NULL, 11=WKS, 12=PTR,
          13=HINFO, 14=MINFO, 15=MX, 16=TXT, 17=RP, 18=AFSDB, 19=X25, 20=ISDN, 21=RT, 22=NSAP,
          23=NSAPPTR, 24=SIG, 25=KEY, 26=PX, 27=GPOS, 28=AAAA, 29=LOC, 30=NXT, 31=EID, 32=NIMLOC,
          33=SRV, 34=ATMA, 35=NAPTR, 36=KX, 37=CERT, 38=A6, 39=DNAME, 40=SINK, 41=OPT, 42=APL,
          43=DS, 44=SSHFP, 45=IPSECKEY, 46=RRSIG, 47=NSEC, 48=DNSKEY, 49=DHCID, 50=NSEC3,
          51=NSEC3PARAM, 52=TLSA, 53=SMIMEA, 55=HIP, 56=NINFO, 57=RKEY, 58=TALINK, 59=CDS,
          60=CDNSKEY, 61=OPENPGPKEY, 62=CSYNC, 63=ZONEMD, 64=SVCB, 65=HTTPS, 99=SPF, 100=UINFO,
          101=UID, 102=GID, 103=UNSPEC, 104=NID, 105=L32, 106=L64, 107=LP, 108=EUI48, 109=EUI64,
          249=TKEY, 250=TSIG, 251=IXFR, 252=AXFR, 253=MAILB, 254=MAILA, 255=ANY, 256=URI, 257=CAA,
          258=AVC, 259=DOA, 32768=TA, 32769=DLV
          """);

  private static final Map<Integer, String> CLASSES = table("1=IN, 3=CH, 4=HS, 254=NONE, 255=*");

  private static final Map<Integer, String> OPCODES =
      table("0=QUERY, 1=IQUERY, 2=STATUS, 4=NOTIFY, 5=UPDATE, 6=DSO");

  private static final Map<Integer, String> RCODES =
      table(
          """
          0=NOERROR, 1=FORMERR, 2=SERVFAIL, 3=NXDOMAIN, 4=NOTIMP, 5=REFUSED, 6=YXDOMAIN, 7=YXRRSET,
          8=NXRRSET, 9=NOAUTH, 10=NOTZONE
          """);

  private static final Map<Integer, String> TSIG_RCODES =
      table(
          """
          0=NOERROR, 1=FORMERR, 2=SERVFAIL, 3=NXDOMAIN, 4=NOTIMPL, 5=REFUSED, 6=YXDOMAIN,
          7=YXRRSET, 8=NXRRSET, 9=NOTAUTH, 10=NOTZONE, 16=BADSIG, 17=BADKEY, 18=BADTIME,
          19=BADMODE, 20=BADNAME, 21=BADALG, 22=BADTRUNC, 23=BADCOOKIE
          """);

  private static final Map<Integer, String> SECALGS =
      table(
          """
          0=DELETE, 1=RSAMD5, 2=DH, 3=DSA, 5=RSASHA1, 6=DSA-NSEC3-SHA1, 7=RSASHA1-NSEC3-SHA1,
          8=RSASHA256, 10=RSASHA512, 12=ECC-GOST, 13=ECDSAP256SHA256, 14=ECDSAP384SHA384,
          15=ED25519, 16=ED448, 252=INDIRECT, 253=PRIVATEDNS, 254=PRIVATEOID
          """);

  private static final Map<Integer, String> EXTENDED_ERRORS =
      table(
          """
          0=Other Error, 1=Unsupported DNSKEY Algorithm, 2=Unsupported DS Digest Type,
          3=Stale Answer, 4=Forged Answer, 5=DNSSEC Indeterminate, 6=DNSSEC Bogus,
          7=Signature Expired, 8=Signature Not Yet Valid, 9=DNSKEY Missing, 10=RRSIGs Missing,
          11=No Zone Key Bit Set, 12=NSEC Missing, 13=Cached Error, 14=Not Ready, 15=Blocked,
          16=Censored, 17=Filtered, 18=Prohibited, 19=Stale NXDomain Answer, 20=Not Authoritative,
          21=Not Supported, 22=No Reachable Authority, 23=Network Error, 24=Invalid Data
          """);

  private static final Map<Integer, String> SVC_PARAM_KEYS =
      table(
          "0=mandatory, 1=alpn, 2=nodefaultalpn, 3=port, 4=ipv4hint, "
              + "5=ech, 6=ipv6hint, 7=dohpath");

  private Mnemonics() {}

  static String rtype(int value) {
    return RTYPES.getOrDefault(value, "TYPE" + value);
  }

  static String dnsClass(int value) {
    return CLASSES.getOrDefault(value, "CLASS" + value);
  }

  static String opcode(int value) {
    return OPCODES.getOrDefault(value, Integer.toString(value));
  }

  static String rcode(int value) {
    return RCODES.getOrDefault(value, Integer.toString(value));
  }

  static String tsigRcode(int value) {
    return TSIG_RCODES.getOrDefault(value, Integer.toString(value));
  }

  static String secAlg(int value) {
    return SECALGS.getOrDefault(value, Integer.toString(value));
  }

  static String extendedError(int value) {
    return EXTENDED_ERRORS.getOrDefault(value, "EDE" + value);
  }

  static String svcParamKey(int value) {
    return SVC_PARAM_KEYS.getOrDefault(value, "key" + value);
  }

  /** {@code "1=A, 2=NS"}: entries separated by commas, each a value, {@code =} and its name. */
  private static Map<Integer, String> table(String entries) {
    Map<Integer, String> map = new HashMap<>();
    for (String entry : entries.split(",")) {
      String[] valueAndName = entry.strip().split("=", 2);
      map.put(Integer.parseInt(valueAndName[0]), valueAndName[1]);
    }
    return Map.copyOf(map);
  }
}
