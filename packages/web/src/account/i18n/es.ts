// The account screens' own strings, in Spanish.
import type { AccountStrings } from './en.ts';

export const es: AccountStrings = {
  confirmPassword: 'Confirmar contraseña',
  newPassword: 'Nueva contraseña',
  confirmNewPassword: 'Confirmar nueva contraseña',
  currentPassword: 'Contraseña actual',
  passwordsDiffer:
    'Confirmar contraseña: las dos contraseñas no coinciden. Escribe la misma contraseña dos veces.',
  weakPassword: 'Contraseña: demasiado débil. {why}',
  weakDefault: 'Añade más palabras o caracteres difíciles de adivinar.',
  strengthLabel: 'Solidez',
  strength_0: 'muy débil',
  strength_1: 'débil',
  strength_2: 'regular',
  strength_3: 'buena',
  strength_4: 'muy buena',
  strengthHint:
    'Hace falta una solidez al menos buena: unas cuantas palabras sin relación funcionan bien.',
  forgotPassword: '¿Olvidaste la contraseña?',
  recoverTitle: 'Recuperar tu cuenta',
  recoverIntro:
    'Escribe tu correo y la clave de recuperación que guardaste al registrarte, y elige una nueva contraseña. Tus archivos no cambian; todas las demás sesiones se cierran.',
  recoveryKey: 'Clave de recuperación',
  recoveryKeyHint: 'Con o sin guiones y espacios; en mayúsculas o minúsculas.',
  setNewPassword: 'Guardar la nueva contraseña',
  backToLogin: 'Volver a iniciar sesión',
  wrongRecoveryKey:
    'Clave de recuperación: esta clave no abre la cuenta de este correo. Revisa ambos e inténtalo de nuevo; no se ha cambiado nada.',
  badRecoveryKey:
    'Clave de recuperación: falta un carácter o está mal escrito. Tiene 56 letras y cifras, tal como se mostró al registrarte.',
  loginFailed: 'No se pudo iniciar sesión: correo o contraseña incorrectos.',
  tooManyAttempts: 'Demasiados intentos. Espera un minuto y vuelve a intentarlo.',
  somethingWrong: 'Algo salió mal: {detail}',
  copyKey: 'Copiar',
  copied: 'Copiada',
  copyFailed: 'Aquí no se permite copiar. Selecciona la clave y cópiala a mano.',
  recoveryKeyGroups: 'La clave, en grupos de cuatro',
  keyFileTitle: 'Clave de recuperación de Coffer',
  keyFileAccount: 'Cuenta: {email}',
  keyFileHub: 'Red (hub): {hub}',
  keyFileDate: 'Creada: {date}',
  keyFileWhat:
    'Esta clave es la única forma de volver a tu cuenta si olvidas la contraseña. Guarda este archivo sin conexión (impreso o en una memoria USB), nunca junto a tu contraseña. Quien tenga esta clave y tu correo puede leer tus archivos.',
  keyFileBrowser:
    'Para recuperar la cuenta en un navegador: abre {hub}, elige «Ya tengo una cuenta», luego «¿Olvidaste la contraseña?», y escribe tu correo, esta clave y una nueva contraseña.',
  keyFileCli:
    'Para recuperar la cuenta con la línea de comandos: coffer recover {email} --hub {hub}',
  changePassword: 'Cambiar la contraseña',
  changePasswordIntro:
    'Tus archivos no cambian. Todas las demás sesiones (otros navegadores, la línea de comandos, la sincronización) se cierran; esta sigue abierta.',
  wrongCurrentPassword: 'Contraseña actual: no es tu contraseña actual. No se ha cambiado nada.',
  samePassword: 'Nueva contraseña: es la misma que la actual.',
  passwordChanged: 'Contraseña cambiada. Tus demás sesiones se han cerrado.',
  deleteAccount: 'Eliminar la cuenta',
  deleteAccountIntro:
    'Elimina tu cuenta y todo lo que contiene, para siempre: archivos, versiones, carpetas compartidas, enlaces, solicitudes de archivos, aplicaciones y sesiones. Nadie podrá recuperarla.',
  deleteAccountOpen: 'Eliminar la cuenta…',
  deleteAccountWarning:
    'Todo lo que hay en {email} desaparece para siempre. Quienes tenían acceso a tus carpetas lo pierden; las copias que hicieron de tus archivos siguen siendo suyas.',
  deleteAccountTypeEmail: 'Escribe tu correo, {email}, para confirmar',
  deleteAccountEmailMismatch: 'Correo: escribe exactamente el correo de esta cuenta.',
  deleteAccountPassword: 'Tu contraseña',
  deleteAccountButton: 'Eliminar para siempre',
  deleteAccountOwnsGroups:
    'Eres dueño de grupos que aún tienen miembros o invitados. Quítalos o termina esos grupos primero.',
  codeTitle: 'Verificación en dos pasos',
  codeIntro:
    'Tu contraseña es correcta. Escribe el código que muestra tu aplicación de autenticación para esta cuenta.',
  codeLabel: 'Código de tu aplicación de autenticación',
  codeHint: 'Los 6 dígitos que muestra la aplicación ahora, o uno de tus códigos de recuperación.',
  verifyCode: 'Verificar',
  codeNeeded:
    'Esto necesita un código de tu aplicación de autenticación (o un código de recuperación): escríbelo en el campo del código y vuelve a intentarlo.',
  wrongCode:
    'Código: este código es incorrecto o ya se usó. Espera al siguiente y vuelve a intentarlo.',
  codeLocked:
    'Demasiados códigos incorrectos: se rechazan los códigos hasta las {time}. Un código de recuperación sigue funcionando.',
  codeWait: 'Demasiados códigos incorrectos: espera unos segundos antes del próximo intento.',
  twoFactor: 'Verificación en dos pasos',
  twoFactorOff:
    'Desactivada. Añade a tu contraseña un código de una aplicación de autenticación, para que una contraseña robada no baste para abrir tu cuenta.',
  twoFactorOn: 'Activada. Códigos de recuperación restantes: {count}.',
  twoFactorTurnOn: 'Activar',
  twoFactorTurnOff: 'Desactivar',
  twoFactorScan:
    'Escanea este código QR con tu aplicación de autenticación, o escribe en ella el secreto.',
  twoFactorQr: 'Código QR para tu aplicación de autenticación',
  twoFactorSecret: 'Secreto',
  twoFactorFirstCode:
    'Después escribe el código que muestra la aplicación, para comprobar que funciona. Hasta entonces nada cambia.',
  recoveryCodesTitle: 'Tus códigos de recuperación',
  recoveryCodesIntro:
    'Cada uno sirve una vez, en lugar de un código, si pierdes tu teléfono. Solo se muestran ahora: guárdalos sin conexión, lejos de tu contraseña.',
  recoveryCodesStored: 'Ya los he guardado',
  twoFactorOffDone: 'La verificación en dos pasos está desactivada.',
  twoFactorOffIntro:
    'Para desactivarla, escribe un código de la aplicación o un código de recuperación.',
  recoveryCodesNewIntro:
    'Escribe un código de la aplicación o un código de recuperación, y tu contraseña. Los códigos de recuperación que tienes ahora dejarán de funcionar.',
  recoveryCodesMake: 'Crear códigos nuevos',
  recoveryCodesNew: 'Códigos de recuperación nuevos',
  recoveryCodesFew: 'Quedan pocos códigos de recuperación: crea otros antes de que se acaben.',
  recoveryCodesReplaced: 'Los códigos de recuperación que tenías ya no funcionan.',
  // zxcvbn's feedback, by its keys: zxw_ a warning, zxs_ a suggestion.
  zxw_straightRow: 'Las filas seguidas de teclas son fáciles de adivinar.',
  zxw_keyPattern: 'Los patrones cortos de teclado son fáciles de adivinar.',
  zxw_simpleRepeat: 'Los caracteres repetidos como «aaa» son fáciles de adivinar.',
  zxw_extendedRepeat: 'Los patrones repetidos como «abcabcabc» son fáciles de adivinar.',
  zxw_sequences: 'Las secuencias comunes como «abc» o «123» son fáciles de adivinar.',
  zxw_recentYears: 'Los años recientes son fáciles de adivinar.',
  zxw_dates: 'Las fechas son fáciles de adivinar.',
  zxw_topTen: 'Es una de las contraseñas más usadas.',
  zxw_topHundred: 'Es una contraseña muy usada.',
  zxw_common: 'Es una contraseña común.',
  zxw_similarToCommon: 'Se parece a una contraseña común.',
  zxw_wordByItself: 'Una sola palabra es fácil de adivinar.',
  zxw_namesByThemselves: 'Los nombres y apellidos solos son fáciles de adivinar.',
  zxw_commonNames: 'Los nombres y apellidos comunes son fáciles de adivinar.',
  zxw_userInputs: 'Contiene tu correo o algo parecido.',
  zxw_pwned: 'Esta contraseña se filtró en una brecha de datos.',
  zxs_anotherWord: 'Añade palabras menos comunes.',
  zxs_useWords: 'Usa varias palabras, pero evita frases hechas.',
  zxs_repeated: 'Evita palabras y caracteres repetidos.',
  zxs_sequences: 'Evita secuencias de caracteres comunes.',
};
