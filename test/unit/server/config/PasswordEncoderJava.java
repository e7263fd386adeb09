// Kafka 3.7's EncryptingPasswordEncoder algorithm (kafka.utils.PasswordEncoder) in plain javax.crypto, for
// PasswordEncoder.test.ts: `encode <secret> <password>` prints the stored form, `decode <secret> <stored>` the password.
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

public class PasswordEncoderJava {
  static SecretKeySpec key(String secret, String factory, String cipherAlg, int keyLength, byte[] salt, int iterations) throws Exception {
    PBEKeySpec spec = new PBEKeySpec(secret.toCharArray(), salt, iterations, keyLength);
    String alg = cipherAlg.indexOf('/') > 0 ? cipherAlg.substring(0, cipherAlg.indexOf('/')) : cipherAlg;
    return new SecretKeySpec(SecretKeyFactory.getInstance(factory).generateSecret(spec).getEncoded(), alg);
  }

  public static void main(String[] args) throws Exception {
    String secret = args[1];
    if (args[0].equals("encode")) {
      String password = args[2];
      byte[] salt = new byte[256];
      new SecureRandom().nextBytes(salt);
      Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
      cipher.init(Cipher.ENCRYPT_MODE, key(secret, "PBKDF2WithHmacSHA512", "AES/CBC/PKCS5Padding", 128, salt, 4096));
      byte[] enc = cipher.doFinal(password.getBytes(StandardCharsets.UTF_8));
      byte[] iv = cipher.getParameters().getParameterSpec(IvParameterSpec.class).getIV();
      Base64.Encoder b64 = Base64.getEncoder();
      System.out.print("encryptedPassword:" + b64.encodeToString(enc) + ",keyLength:128,cipherAlgorithm:AES/CBC/PKCS5Padding,initializationVector:"
          + b64.encodeToString(iv) + ",keyFactoryAlgorithm:PBKDF2WithHmacSHA512,passwordLength:" + password.length() + ",salt:" + b64.encodeToString(salt)
          + ",iterations:4096");
    } else {
      Map<String, String> p = new LinkedHashMap<>();
      for (String kv : args[2].split(",")) p.put(kv.substring(0, kv.indexOf(':')), kv.substring(kv.indexOf(':') + 1));
      Base64.Decoder d = Base64.getDecoder();
      String cipherAlg = p.get("cipherAlgorithm");
      int keyLength = Integer.parseInt(p.get("keyLength"));
      Cipher cipher = Cipher.getInstance(cipherAlg);
      cipher.init(Cipher.DECRYPT_MODE, key(secret, p.get("keyFactoryAlgorithm"), cipherAlg, keyLength, d.decode(p.get("salt")), Integer.parseInt(p.get("iterations"))),
          new IvParameterSpec(d.decode(p.get("initializationVector"))));
      String password = new String(cipher.doFinal(d.decode(p.get("encryptedPassword"))), StandardCharsets.UTF_8);
      if (password.length() != Integer.parseInt(p.get("passwordLength"))) throw new IllegalStateException("length");
      System.out.print(password);
    }
  }
}
